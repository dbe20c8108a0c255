"""What every customers page shares beyond the generic scoped views."""

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from guanxi.accounts.models import User
from guanxi.core.htmx import redirect_after_form
from guanxi.core.views.generic import ObjectDeleteView, object_or_404, posted_version
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customers as selectors


def signed_in(request: HttpRequest) -> User:
    """The acting user of a page that only signed-in users reach (the views see to it)."""
    return cast(User, request.user)


def scoped_customer(request: HttpRequest, pk: Any) -> Customer:
    """The customer of the URL if it is in the reader's scope; a 404 otherwise."""
    customer = object_or_404(selectors.customer_get, actor=signed_in(request), pk=pk)
    assert isinstance(customer, Customer)
    return customer


class RecycleBinDeleteView(ObjectDeleteView):
    """Confirm, then move the record to the recycle bin.

    A stale confirm is left to ``ConflictMiddleware`` (the 409 conflict page), as these pages
    always answered, instead of the generic redirect with a message.
    """

    def success_message(self, record: Any) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_checked_object(request, pk)
        self.delete(request, record, posted_version(request))
        messages.success(request, self.success_message(record))
        return redirect_after_form(request, self.success_url(request, record))
