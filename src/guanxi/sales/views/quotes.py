"""The quote 报价 pages: list, create and edit with lines (the order form's line handling),
detail with send / accept / reject and convert into an order.

Reads go through ``selectors.quotes`` (out of scope → 404); writes through
``services.quotes``.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.exceptions import ConflictError
from guanxi.core.formatting import format_money
from guanxi.core.lists import ListColumn
from guanxi.core.selectors.pages import record_history
from guanxi.core.views.generic import (
    ObjectActionView,
    ObjectListView,
    ObjectView,
    object_or_404,
    posted_version,
)
from guanxi.sales import rules
from guanxi.sales.forms.quotes import QuoteConvertForm, QuoteEditForm, QuoteFilterForm, QuoteForm
from guanxi.sales.models import Order, Quote
from guanxi.sales.selectors import quotes as selectors_quotes
from guanxi.sales.services import quotes as services_quotes
from guanxi.sales.views.base import customer_or_404, signed_in
from guanxi.sales.views.lines import LinesEditView, LinesFormView

ACTIVE_NAV = "quotes"
NEW_QUOTE_LINES = 2


# The columns a reader may hide on this list (the code/name and the amount always show).
QUOTE_COLUMNS = [
    ListColumn("quote_date", gettext_lazy("Quote date")),
    ListColumn("valid_until", gettext_lazy("Valid until")),
    ListColumn("owner", gettext_lazy("Account manager")),
    ListColumn("status", gettext_lazy("Status")),
]


class QuoteListView(ObjectListView):
    permission = rules.VIEW_QUOTE
    active_nav = ACTIVE_NAV
    template_name = "sales/quote_list.html"
    list_key = "quotes"
    list_columns = QUOTE_COLUMNS
    total_field = "total"
    total_label = gettext_lazy("Total of the matching quotes")
    filter_form = QuoteFilterForm
    ordering = selectors_quotes.QUOTE_ORDERING

    def rows(self, request: HttpRequest, form: Any) -> Any:
        status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
        return selectors_quotes.quote_list(actor=signed_in(request), status=status)


class _QuoteView(ObjectView):
    model = Quote
    active_nav = ACTIVE_NAV
    context_object_name = "quote"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors_quotes.quote_get, actor=signed_in(request), pk=pk)


class QuoteDetailView(_QuoteView):
    permission = rules.VIEW_QUOTE
    http_method_names = ["get", "head", "options"]
    template_name = "sales/quote_detail.html"

    def extra_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        return {
            "convert_form": QuoteConvertForm(
                initial={"version": record.version}, actor=signed_in(request)
            ),
            "history": record_history(instance=record, limit=30),
        }


class _QuoteLinesView(_QuoteView, LinesFormView):
    template_name = "sales/quote_form.html"
    form_template_name = "sales/partials/_quote_form.html"
    new_lines = NEW_QUOTE_LINES


class QuoteCreateView(_QuoteLinesView):
    permission = rules.ADD_QUOTE

    def header_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is not None:
            return QuoteForm(data, actor=signed_in(request))
        initial = {}
        if (raw := request.GET.get("customer", "")).isdigit():
            initial = {"customer": customer_or_404(request, raw).pk}
        return QuoteForm(initial=initial, actor=signed_in(request))

    def save_lines(self, request: HttpRequest, form: Any, record: Any, lines: list[dict]) -> Any:
        values = form.values()
        return services_quotes.quote_create(
            actor=signed_in(request), customer=values.pop("customer"), lines=lines, **values
        )

    def success_message(self, record: Any) -> str:
        return _("Quote %(code)s was created: %(total)s.") % {
            "code": record.code,
            "total": format_money(record.total),
        }


class QuoteEditView(LinesEditView, _QuoteLinesView):
    permission = rules.CHANGE_QUOTE

    def locked_message(self, request: HttpRequest, record: Any) -> str:
        if record.is_editable:
            return ""
        return _("A %(status)s quote cannot be changed any more.") % {
            "status": record.get_status_display().lower()
        }

    def header_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            return QuoteEditForm(
                initial=QuoteEditForm.initial_for(record), actor=signed_in(request)
            )
        return QuoteEditForm(data, actor=signed_in(request))

    def save_lines(self, request: HttpRequest, form: Any, record: Any, lines: list[dict]) -> Any:
        return services_quotes.quote_update(
            actor=signed_in(request),
            quote=record,
            expected_version=form.cleaned_data["version"],
            lines=lines,
            **form.values(),
        )

    def success_message(self, record: Any) -> str:
        return _("Quote %(code)s was saved.") % {"code": record.code}


class QuoteStatusView(_QuoteView, ObjectActionView):
    permission = rules.CHANGE_QUOTE

    def act(self, request: HttpRequest, record: Any, form: Any) -> Quote:
        return services_quotes.quote_set_status(
            actor=signed_in(request),
            quote=record,
            status=request.POST.get("status", ""),
            expected_version=posted_version(request),
        )

    def success_message(self, record: Any) -> str:
        return _("Quote %(code)s is now %(status)s.") % {
            "code": record.code,
            "status": record.get_status_display(),
        }


class QuoteConvertView(_QuoteView, ObjectActionView):
    """Convert into an order; the new order's page follows, or the quote's with the reason."""

    permission = rules.CHANGE_QUOTE
    order: Order | None = None

    def act(self, request: HttpRequest, record: Any, form: Any) -> Order:
        form = QuoteConvertForm(request.POST, actor=signed_in(request))
        if not form.is_valid():
            # Without the version read (or with a garbled form) the page was stale.
            raise ConflictError
        try:
            self.order = services_quotes.quote_convert(
                actor=signed_in(request),
                quote=record,
                expected_version=form.cleaned_data["version"],
                credit_override=form.cleaned_data.get("credit_override", False),
                credit_override_reason=form.cleaned_data.get("credit_override_reason", ""),
            )
        except PermissionDenied as refused:
            # A credit hold only a supervisor may override: the reason shows on the quote.
            raise ValidationError(str(refused)) from refused
        return self.order

    def success_message(self, record: Any) -> str:
        order_code = self.order.code if self.order is not None else ""
        return _("Quote %(quote)s was converted into order %(order)s.") % {
            "quote": record.code,
            "order": order_code,
        }

    def done_url(self, request: HttpRequest, record: Any) -> str:
        return (self.order or record).get_absolute_url()


quote_list = QuoteListView.as_view()
quote_detail = QuoteDetailView.as_view()
quote_create = QuoteCreateView.as_view()
quote_edit = QuoteEditView.as_view()
quote_status = QuoteStatusView.as_view()
quote_convert = QuoteConvertView.as_view()
