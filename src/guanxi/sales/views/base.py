"""What several sales pages add to the generic scoped views (``core.views.generic``)."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from guanxi.accounts.models import User
from guanxi.core.views.generic import ObjectFormView, object_or_404
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customers as customer_selectors


def signed_in(request: HttpRequest) -> User:
    """The acting user of a page the generic views let through (signed in, active)."""
    return cast(User, request.user)


def customer_or_404(request: HttpRequest, pk: Any) -> Customer:
    """The customer a new record starts from (``?customer=<id>``), if the user sees it."""
    customer = object_or_404(customer_selectors.customer_get, actor=request.user, pk=pk)
    return cast(Customer, customer)


class RecordOnceMixin(ObjectFormView):
    """Reads the page's record once per request, however many steps ask for it."""

    def record_for(self, request: HttpRequest, pk: Any) -> Model | None:
        if not hasattr(self, "_record"):
            self._record = super().record_for(request, pk)
        return self._record


class LockedRecordMixin(RecordOnceMixin):
    """An edit page of a record that can stop changing: a locked record's page says why on
    the record's own page instead of showing the form (``locked_message``)."""

    # Methods whose request is refused for a locked record.
    locked_methods: tuple[str, ...] = ("GET", "POST")

    def locked_message(self, request: HttpRequest, record: Any) -> str:
        return ""

    def _refusal(self, request: HttpRequest, pk: Any) -> HttpResponse | None:
        record = self.record_for(request, pk)
        if record is None or request.method not in self.locked_methods:
            return None
        message = self.locked_message(request, record)
        if not message:
            return None
        messages.error(request, message)
        return self.locked_response(request, record)

    def locked_response(self, request: HttpRequest, record: Any) -> HttpResponse:
        return redirect(record.get_absolute_url())

    def get(self, request: HttpRequest, pk: Any = None, **kwargs: Any) -> HttpResponse:
        return self._refusal(request, pk) or super().get(request, pk, **kwargs)

    def post(self, request: HttpRequest, pk: Any = None, **kwargs: Any) -> HttpResponse:
        return self._refusal(request, pk) or super().post(request, pk, **kwargs)


class RefusedStatusMixin(ObjectFormView):
    """A form page answering ``refused_status`` (not 200) when the service refuses the input."""

    refused_status = 422
    refused = False

    def run(self, request: HttpRequest, form: Any, record: Any) -> Any:
        raise NotImplementedError

    def save(self, request: HttpRequest, form: Any, record: Any) -> Any:
        try:
            return self.run(request, form, record)
        except ValidationError:
            self.refused = True
            raise

    def render_form(
        self, request: HttpRequest, form: Any, record: Any, status: int = 200
    ) -> HttpResponse:
        if self.refused and status == 200:
            status = self.refused_status
        return super().render_form(request, form, record, status=status)
