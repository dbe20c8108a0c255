"""What the accounts pages share: the administration pages' right and their page numbers."""

from typing import Any, ClassVar, cast

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from guanxi.accounts.models import User
from guanxi.accounts.rules import MANAGE_ACCOUNTS
from guanxi.core.views.generic import ScopedPageView


class AccountAdminPage(ScopedPageView):
    """A page of the account administration: anonymous visitors go to the sign-in page,
    signed-in users without the right to manage users, teams and roles get 403."""

    permission: ClassVar[str | None] = MANAGE_ACCOUNTS


def paginate(request: HttpRequest, items: Any, per_page: int | None = None) -> Page:
    size = per_page or int(settings.GUANXI["PAGE_SIZE"])
    return Paginator(items, size).get_page(request.GET.get("page"))


def signed_in(request: HttpRequest) -> User:
    """The acting user of a page that required signing in."""
    return cast(User, request.user)
