"""View decorators shared by every app's pages."""

from django.contrib.auth.decorators import login_required, permission_required


def requires(*permissions: str):
    """Sign-in first (redirect to the login page), then every right named (403 without one)."""

    def decorate(view):
        return login_required(permission_required(permissions, raise_exception=True)(view))

    return decorate
