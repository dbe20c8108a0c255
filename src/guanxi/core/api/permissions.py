"""Who may call what: role rights per HTTP method; the record scope is the selector's job."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class RoleRights(BasePermission):
    """Reads need the model's ``view`` right, writes its add/change/delete right.

    So executives, who hold only ``view_*`` rights, get 403 on every write. A view can name a
    single ``write_permission`` instead (e.g. ``accounts.manage_accounts``), or set
    ``read_permission = None`` when every signed-in user may read.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        meta = view.model._meta
        if request.method in SAFE_METHODS:
            permission = getattr(
                view, "read_permission", f"{meta.app_label}.view_{meta.model_name}"
            )
            return permission is None or user.has_perm(permission)
        permission = getattr(view, "write_permission", None) or (
            f"{meta.app_label}.{ACTIONS.get(request.method, 'change')}_{meta.model_name}"
        )
        return user.has_perm(permission)
