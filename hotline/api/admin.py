"""API tokens in the administration: issued through issue_token (the key is
shown once, on the page the new token leads to), revoked through
revoke_token, never edited or deleted, so a token's history stays."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hotline.cases.labels import EVENT_LABELS

from .models import ApiToken
from .tokens import ACTIONS, issue_token, revoke_token


class IssueForm(forms.ModelForm):
    actions = forms.MultipleChoiceField(
        label=_("allowed actions"),
        choices=[(action, EVENT_LABELS[action]) for action in ACTIONS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiToken
        fields = ["name", "user", "unit", "actions", "reads"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "user",
        "unit",
        "reads",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["unit", "reads"]
    search_fields = ["name", "prefix", "user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    readonly_fields = [
        "name",
        "prefix",
        "user",
        "unit",
        "actions",
        "reads",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = IssueForm
        return super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            token, key = issue_token(
                actor=request.user,
                name=data["name"],
                user=data["user"],
                unit=data["unit"],
                actions=data["actions"],
                reads=data["reads"],
            )
        except ValidationError as refused:
            raise ValidationError(refused.messages) from None
        obj.pk, obj.prefix = token.pk, token.prefix
        messages.warning(
            request,
            _("The key of %(name)s, shown only this once: %(key)s")
            % {"name": token.name, "key": key},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_selected(self, request, queryset):
        for token in queryset:
            revoke_token(actor=request.user, token=token)
