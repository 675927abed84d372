from django.contrib import admin

from .models import Policy
from .terms import TERM_NAMES


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_on", *TERM_NAMES]
    readonly_fields = ["created_at", "created_by"]

    def get_changeform_initial_data(self, request):
        """A new policy starts as a copy of the latest one."""
        latest = Policy.objects.order_by("-effective_on").first()
        return {name: getattr(latest, name) for name in TERM_NAMES} if latest else {}

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_in_force_since():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_in_force_since():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
