"""The quote 报价 pages: list, create and edit with lines (the order form's line handling),
detail with send / accept / reject and convert into an order.

Reads go through selectors_quotes (out of scope → 404); writes through services_quotes.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import redirect_after_form, render_form_page
from guanxi.core.pagination import paginate_request
from guanxi.core.selectors.pages import record_history
from guanxi.customers.views.customers import _requires
from guanxi.sales.forms.orders import line_formset
from guanxi.sales.forms.quotes import QuoteConvertForm, QuoteEditForm, QuoteFilterForm, QuoteForm
from guanxi.sales.models import Quote
from guanxi.sales.selectors import quotes as selectors_quotes
from guanxi.sales.services import quotes as services_quotes
from guanxi.sales.views.lines import (
    add_line_requested,
    edit_with_lines,
    posted_version,
    with_one_more_line,
)
from guanxi.sales.views.orders import _customer_or_404

ACTIVE_NAV = "quotes"
NEW_QUOTE_LINES = 2


def _conflict_message() -> str:
    return _(
        "Someone else changed this quote after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    )


def _quote_or_404(request, pk) -> Quote:
    try:
        return selectors_quotes.quote_get(actor=request.user, pk=pk)
    except Quote.DoesNotExist as missing:
        raise Http404 from missing


@_requires("sales.view_quote")
@require_GET
def quote_list(request):
    form = QuoteFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    quotes = selectors_quotes.quote_list(actor=request.user, status=status)
    page = paginate_request(request, quotes, ordering=selectors_quotes.QUOTE_ORDERING)
    return render(
        request,
        "sales/quote_list.html",
        {"active_nav": ACTIVE_NAV, "form": form, "page": page},
    )


@_requires("sales.view_quote")
@require_GET
def quote_detail(request, pk):
    quote = _quote_or_404(request, pk)
    return render(
        request,
        "sales/quote_detail.html",
        {
            "active_nav": ACTIVE_NAV,
            "quote": quote,
            "convert_form": QuoteConvertForm(
                initial={"version": quote.version}, actor=request.user
            ),
            "history": record_history(instance=quote, limit=30),
        },
    )


def _render_form(request, *, form, lines, quote=None, status=200):
    return render_form_page(
        request,
        page_template="sales/quote_form.html",
        form_template="sales/partials/_quote_form.html",
        context={"active_nav": ACTIVE_NAV, "form": form, "lines": lines, "quote": quote},
        status=status,
    )


@_requires("sales.add_quote")
@require_http_methods(["GET", "POST"])
def quote_create(request):
    if request.method != "POST":
        initial = {}
        if (raw := request.GET.get("customer", "")).isdigit():
            initial = {"customer": _customer_or_404(request, raw).code}
        form = QuoteForm(initial=initial, actor=request.user)
        lines = line_formset(actor=request.user, extra=NEW_QUOTE_LINES)
        return _render_form(request, form=form, lines=lines)
    form = QuoteForm(request.POST, actor=request.user)
    if add_line_requested(request):
        form.is_valid()
        return _render_form(request, form=form, lines=with_one_more_line(request))
    lines = line_formset(request.POST, actor=request.user)
    if form.is_valid() and lines.is_valid():
        values = form.values()
        try:
            quote = services_quotes.quote_create(
                actor=request.user, customer=values.pop("customer"), lines=lines.lines(), **values
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Quote %(code)s was created: %(total)s.")
                % {"code": quote.code, "total": f"¥{quote.total}"},
            )
            return redirect_after_form(request, quote.get_absolute_url())
    return _render_form(request, form=form, lines=lines)


@_requires("sales.change_quote")
@require_http_methods(["GET", "POST"])
def quote_edit(request, pk):
    quote = _quote_or_404(request, pk)
    return edit_with_lines(
        request,
        record=quote,
        form_class=QuoteEditForm,
        render=partial(_render_form, request, quote=quote),
        update=partial(services_quotes.quote_update, actor=request.user, quote=quote),
        saved_message=_("Quote %(code)s was saved.") % {"code": quote.code},
        locked_message=_("A %(status)s quote cannot be changed any more.")
        % {"status": quote.get_status_display().lower()},
        conflict_message=_conflict_message(),
    )


@_requires("sales.change_quote")
@require_POST
def quote_status(request, pk):
    quote = _quote_or_404(request, pk)
    try:
        services_quotes.quote_set_status(
            actor=request.user,
            quote=quote,
            status=request.POST.get("status", ""),
            expected_version=posted_version(request),
        )
    except ConflictError:
        messages.error(request, _conflict_message())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Quote %(code)s is now %(status)s.")
            % {"code": quote.code, "status": quote.get_status_display()},
        )
    return redirect(quote.get_absolute_url())


@_requires("sales.change_quote")
@require_POST
def quote_convert(request, pk):
    quote = _quote_or_404(request, pk)
    form = QuoteConvertForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, _conflict_message())
        return redirect(quote.get_absolute_url())
    try:
        order = services_quotes.quote_convert(
            actor=request.user,
            quote=quote,
            expected_version=form.cleaned_data["version"],
            credit_override=form.cleaned_data.get("credit_override", False),
            credit_override_reason=form.cleaned_data.get("credit_override_reason", ""),
        )
    except ConflictError:
        messages.error(request, _conflict_message())
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request,
            " ".join(error.messages) if isinstance(error, ValidationError) else str(error),
        )
    else:
        messages.success(
            request,
            _("Quote %(quote)s was converted into order %(order)s.")
            % {"quote": quote.code, "order": order.code},
        )
        return redirect(order.get_absolute_url())
    return redirect(quote.get_absolute_url())
