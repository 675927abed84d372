from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MessageTemplate


def sample_values(kind: str) -> dict[str, str]:
    """What a template of `kind` is filled in with for a made-up case: the
    shapes a requester will see, none of anyone's data."""
    today = timezone.localdate()
    due = (today + timedelta(days=14)).isoformat()
    values = {
        "number": f"{settings.HOTLINE_CASE_PREFIX}{today:%Y%m%d}00001",
        "code": "7K2M9Q",
        "reason": _("the request falls outside the hotline's remit"),
        "count": "3",
        "unit": _("City Urban Management Committee"),
        "result": _("The stall has been removed and the pavement is clear again."),
        "rating_url": f"{settings.HOTLINE_PUBLIC_URL}/portal/rate/…/",
        "due": due,
        "deadline": due,
    }
    return {name: values[name] for name in MessageTemplate.VARIABLES.get(kind, ())}


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """The texts requesters read, one per kind of message; an administrator
    edits the words, the variables are fixed by the kind."""

    list_display = ["kind", "text", "updated_at"]
    fields = ["kind", "variables", "text", "preview"]
    readonly_fields = ["kind", "variables", "preview"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("variables"))
    def variables(self, obj):
        return "、".join("{" + name + "}" for name in sorted(MessageTemplate.VARIABLES[obj.kind]))

    @admin.display(description=gettext_lazy("preview for a sample case"))
    def preview(self, obj):
        values = sample_values(obj.kind)
        try:
            # After a refused edit `obj` holds the text as typed.
            text = obj.render(**values)
        except (ValueError, IndexError, KeyError, AttributeError):
            text = _("This text cannot be filled in: write variables as {number}.")
        return format_html(
            '<p data-testid="template-preview">{}</p><p class="help">{}</p>',
            text,
            format_html_join("、", "{{{}}} = {}", sorted(values.items())),
        )
