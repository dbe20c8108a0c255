"""The customer list's downloads and bulk actions: export (all filtered or the selected rows)
and reassigning the selected customers to another account manager.

Both read through the scoped selectors, so a user exports and changes only what they see;
the rules of a reassignment live in ``services.customers_bulk_reassign``. A download and
actions on a selection of rows (not on one record), so function views rather than the generic
page views.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest, QueryDict
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.decorators import requires
from guanxi.core.htmx import redirect_after_form
from guanxi.customers import rules
from guanxi.customers.exports import customer_export_queryset, customer_export_response
from guanxi.customers.forms.bulk import BulkReassignForm, BulkTagForm, ExportForm
from guanxi.customers.forms.customers import CustomerFilterForm
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services import customers as services
from guanxi.customers.views.base import signed_in

# Query parameters of the list page that a "back to the list" link may carry.
_LIST_PARAMETERS = ("q", "owner", "level", "region", "industry", "status", "credit_status", "sort")


def _list_url(query: str) -> str:
    """The list page with the filters of ``query`` (only list parameters, so never elsewhere)."""
    params = QueryDict(query or "")
    kept = [(key, value) for key in _LIST_PARAMETERS for value in params.getlist(key) if value]
    url = reverse("customers:list")
    return f"{url}?{urlencode(kept)}" if kept else url


@requires(rules.VIEW_CUSTOMER, rules.EXPORT_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def customer_export(request):
    """CSV or xlsx of the filtered list (GET, the list's parameters) or of ``ids`` only.

    The selected rows arrive by POST from the bulk bar, so the CSRF token stays out of URLs.
    """
    params = request.POST if request.method == "POST" else request.GET
    form = ExportForm(params)
    if not form.is_valid():
        return HttpResponseBadRequest(
            " ".join(str(error) for errors in form.errors.values() for error in errors),
            content_type="text/plain; charset=utf-8",
        )
    filters_form = CustomerFilterForm(params, actor=signed_in(request))
    search, filters = filters_form.query()
    sort = params.get("sort", "")
    if sort not in selectors.CUSTOMER_SORTS:
        sort = selectors.DEFAULT_CUSTOMER_SORT
    ids = form.cleaned_data["ids"] or None
    customers = customer_export_queryset(
        actor=signed_in(request), search=search, filters=filters, sort=sort, ids=ids
    )
    asked = {key: value for key, value in filters.items() if value not in (None, "", [])}
    return customer_export_response(
        actor=signed_in(request),
        customers=customers,
        file_format=form.cleaned_data["format"] or "csv",
        request=request,
        filters={
            **asked,
            **({"search": search} if search else {}),
            **({"ids": len(ids)} if ids else {}),
            "sort": sort,
        },
    )


def _run_bulk(request, form, action, success_message):
    """Validate a bulk form, run the service ``action(cleaned_data)``, report back on the list.

    Every error (form or service) becomes a message on the list the user came from; a row
    outside the user's scope is a 404 for the whole request, and nothing was changed.
    """
    back = _list_url(request.POST.get("back", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect_after_form(request, back)
    try:
        changed = action(form.cleaned_data)
    except Customer.DoesNotExist as missing:
        raise Http404 from missing
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect_after_form(request, back)
    messages.success(request, success_message(changed, form.cleaned_data))
    return redirect_after_form(request, back)


@requires(rules.CHANGE_CUSTOMER)
@require_POST
def customer_bulk_reassign(request):
    return _run_bulk(
        request,
        BulkReassignForm(request.POST, actor=signed_in(request)),
        lambda data: services.customers_bulk_reassign(
            actor=signed_in(request), customer_ids=data["ids"], owner=data["owner"]
        ),
        lambda changed, data: (
            ngettext(
                "%(count)d customer was given to %(owner)s.",
                "%(count)d customers were given to %(owner)s.",
                changed,
            )
            % {"count": changed, "owner": data["owner"]}
        ),
    )


@requires(rules.CHANGE_CUSTOMER)
@require_POST
def customer_bulk_tag(request):
    return _run_bulk(
        request,
        BulkTagForm(request.POST),
        lambda data: services.customers_bulk_add_tag(
            actor=signed_in(request), customer_ids=data["ids"], tag=data["tag"]
        ),
        lambda changed, data: (
            ngettext(
                "Tag “%(tag)s” was added to %(count)d customer.",
                "Tag “%(tag)s” was added to %(count)d customers.",
                changed,
            )
            % {"count": changed, "tag": data["tag"]}
        ),
    )
