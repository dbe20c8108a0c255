"""Helpers shared by the accounts pages."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Page, Paginator


def account_admin_required(view):
    """Anonymous visitors go to the sign-in page; signed-in users without the right get 403."""
    checked = permission_required("accounts.manage_accounts", raise_exception=True)(view)
    return wraps(view)(login_required(checked))


def paginate(request, items, per_page: int | None = None) -> Page:
    size = per_page or settings.GUANXI["PAGE_SIZE"]
    return Paginator(items, size).get_page(request.GET.get("page"))
