"""The editing flow of a record with line items (orders 订单, quotes 报价), shared by both.

Both pages show a header form and a formset of lines, let the user add a line in place
("add_line", no JavaScript needed), refuse records that can no longer change, and report a
stale edit as a conflict; only the form, the service and the wording differ. The flow is the
generic form view's (``core.views.generic.ObjectFormView``) with the lines added to it.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from guanxi.sales.forms.orders import line_formset
from guanxi.sales.views.base import LockedRecordMixin, RecordOnceMixin, signed_in

LINE_FIELDS = ("product", "quantity", "unit_price", "discount")


def add_line_requested(request: HttpRequest) -> bool:
    return "add_line" in request.POST


def with_one_more_line(request: HttpRequest, *, keep_products: Any = ()) -> Any:
    """The posted lines plus an empty one, as a fresh (unbound) formset showing the input."""
    posted = line_formset(request.POST, actor=signed_in(request), keep_products=keep_products)
    initial = [
        {name: form[name].value() for name in LINE_FIELDS}
        for form in posted.forms
        if not (form.is_valid() and form.cleaned_data.get("DELETE"))
    ]
    return line_formset(
        actor=signed_in(request), initial=initial, keep_products=keep_products, extra=1
    )


class LinesFormView(RecordOnceMixin):
    """A header form and its lines: new (``new_lines`` empty rows) or editing ``record``'s.

    Subclasses give ``header_form`` and ``save_lines`` (the service call with the checked
    lines). A valid header with invalid lines shows the page again (200), as do the service's
    field errors; with ``refused_status`` a refused right shows its reason on the form.
    """

    new_lines = 2
    lines: Any = None
    # Set to answer a refused right on the form (with this status) instead of a 403 page.
    refused_status: int | None = None

    def header_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        raise NotImplementedError

    def save_lines(self, request: HttpRequest, form: Any, record: Any, lines: list[dict]) -> Any:
        raise NotImplementedError

    def kept_products(self, record: Any) -> list[int]:
        """Products no longer sold stay allowed on the lines that already use them."""
        return [line.product_id for line in record.lines.all()] if record is not None else []

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return self.header_form(request, record, data)

    def form_context(self, request: HttpRequest, form: Any, record: Any) -> dict[str, Any]:
        return {"lines": self.lines}

    def get(self, request: HttpRequest, pk: Any = None, **kwargs: Any) -> HttpResponse:
        record: Any = self.record_for(request, pk)
        if record is None:
            self.lines = line_formset(actor=signed_in(request), extra=self.new_lines)
        else:
            initial = [
                {
                    "product": line.product_id,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "discount": line.discount,
                }
                for line in record.lines.all()
            ]
            keep = self.kept_products(record)
            self.lines = line_formset(actor=signed_in(request), initial=initial, keep_products=keep)
        return super().get(request, pk, **kwargs)

    def post(self, request: HttpRequest, pk: Any = None, **kwargs: Any) -> HttpResponse:
        record = self.record_for(request, pk)
        keep = self.kept_products(record)
        if add_line_requested(request):
            form = self.get_form(request, record, request.POST)
            form.is_valid()  # show what was typed, errors included
            self.lines = with_one_more_line(request, keep_products=keep)
            return self.render_form(request, form, record)
        self.lines = line_formset(request.POST, actor=signed_in(request), keep_products=keep)
        return super().post(request, pk, **kwargs)

    def save(self, request: HttpRequest, form: Any, record: Any) -> Any:
        if not self.lines.is_valid():
            return None
        try:
            return self.save_lines(request, form, record, self.lines.lines())
        except PermissionDenied as refused:
            if self.refused_status is None:
                raise
            form.add_error(None, str(refused))
            self.answer_status = self.refused_status
            return None

    def render_form(
        self, request: HttpRequest, form: Any, record: Any, status: int = 200
    ) -> HttpResponse:
        status = getattr(self, "answer_status", None) or status
        return super().render_form(request, form, record, status=status)


class LinesEditView(LockedRecordMixin, LinesFormView):
    """Editing a record's lines: a record that can no longer change says so on its page."""
