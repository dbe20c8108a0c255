"""View decorators shared by every app's pages."""

from django.contrib.auth.decorators import login_required, permission_required


def requires(permission: str):
    """Sign-in first (redirect to the login page), then the right (403 without it)."""

    def decorate(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorate
