from .models import Role


class AdministratorRoleBackend:
    """People holding the administrator role may do everything in the admin
    site; nobody needs Django's per-model permissions set by hand."""

    def authenticate(self, request, **credentials):
        return None

    def _is_administrator(self, user_obj) -> bool:
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        return user_obj.holds(Role.ADMINISTRATOR)

    def has_perm(self, user_obj, perm, obj=None):
        return self._is_administrator(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return self._is_administrator(user_obj)
