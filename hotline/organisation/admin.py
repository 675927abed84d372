from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from hotline.adminsite import ViewOnlyAdmin

from .models import District, RoleGrant, RosterChange, Unit, User
from .roster import check_grant, grant_role, revoke_role


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "aliases", "kind", "level", "district", "parent", "is_active"]
    list_filter = ["level", "kind", "district", "is_active"]
    search_fields = ["name", "aliases"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        # A district's kept figures count the cases its units took part in
        # (supervision.figures): moving a unit to another district would
        # change every settled day behind them.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "level", "district"] if obj is not None else fields


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "name", "mobile", "is_active", "last_login"]
    search_fields = ["username", "name", "mobile"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["name", "mobile", "email"]}),
        (_("Access"), {"fields": ["is_active", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "name", "mobile", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Roles are added and removed, never edited, and always through the
    roster functions so that every change is recorded (R10)."""

    list_display = ["user", "unit", "role", "granted_at"]
    list_filter = ["role", "unit__level", "unit__kind"]
    search_fields = ["user__name", "user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    actions = ["revoke_selected"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        actor = request.user

        class CheckedForm(form):
            def clean(self):
                data = super().clean()
                if all(data.get(f) for f in ("user", "unit", "role")):
                    try:
                        check_grant(
                            actor=actor, person=data["user"], unit=data["unit"], role=data["role"]
                        )
                    except PermissionDenied as refused:
                        raise ValidationError(str(refused)) from None
                return data

        return CheckedForm

    def save_model(self, request, obj, form, change):
        granted = grant_role(actor=request.user, person=obj.user, unit=obj.unit, role=obj.role)
        obj.pk = granted.pk

    def delete_model(self, request, obj):
        revoke_role(actor=request.user, grant=obj)

    @admin.action(description=_("Remove the selected roles"))
    def revoke_selected(self, request, queryset):
        for grant in queryset:
            revoke_role(actor=request.user, grant=grant)


@admin.register(RosterChange)
class RosterChangeAdmin(ViewOnlyAdmin):
    list_display = ["changed_at", "unit", "person", "role", "change", "changed_by"]
    list_filter = ["change", "role"]
    search_fields = ["unit__name", "person__name"]
