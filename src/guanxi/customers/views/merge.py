"""Merge a duplicate into this customer 合并重复客户: find it, compare both, confirm.

Step 1 searches the user's customers (by code, name, pinyin, phone or contact); step 2 shows
both side by side with what will move; the POST carries both versions, so a customer changed
by someone else in between is not merged blindly. A two-step wizard over two records (with its
own conflict answer naming both), so a function view rather than the generic page views.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.core.decorators import requires
from guanxi.core.exceptions import ConflictError
from guanxi.core.htmx import redirect_after_form
from guanxi.core.views.generic import MAX_ID
from guanxi.customers import rules
from guanxi.customers.dedup import duplicate_candidates
from guanxi.customers.forms.churn import MergeConfirmForm, MergeSearchForm
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services import merge as services_merge
from guanxi.customers.views.base import scoped_customer, signed_in
from guanxi.customers.views.customers import ACTIVE_NAV

MAX_CANDIDATES = 20


def _related_counts(customer) -> dict[str, int]:
    return {
        "contacts": customer.contacts.count(),
        "interactions": customer.interactions.count(),
        "documents": customer.documents.count(),
    }


def _search_page(request, survivor):
    form = MergeSearchForm(request.GET or None)
    searched = form.is_valid() and bool(form.cleaned_data["q"].strip())
    if searched:
        found = selectors.customer_list(actor=signed_in(request), search=form.cleaned_data["q"])
        candidates = list(found.exclude(pk=survivor.pk)[:MAX_CANDIDATES])
    else:
        # Before any search, offer what the duplicate check finds (same name, phone, e-mail
        # or tax id), the usual reason to come here.
        likely = duplicate_candidates(
            actor=signed_in(request),
            name=survivor.name,
            phone=survivor.phone,
            email=survivor.email,
            tax_id=survivor.tax_id,
        )
        candidates = [candidate for candidate in likely.visible if candidate.pk != survivor.pk]
    return render(
        request,
        "customers/customer_merge_search.html",
        {
            "active_nav": ACTIVE_NAV,
            "customer": survivor,
            "form": form,
            "candidates": candidates,
            "searched": searched,
        },
    )


def _confirm_form(survivor, merged) -> MergeConfirmForm:
    return MergeConfirmForm(
        initial={
            "merged": merged.pk,
            "survivor_version": survivor.version,
            "merged_version": merged.version,
        }
    )


def _confirm_page(request, survivor, merged, form, status=200, errors=()):
    return render(
        request,
        "customers/customer_merge_confirm.html",
        {
            "active_nav": ACTIVE_NAV,
            "customer": survivor,
            "merged": merged,
            "form": form,
            "survivor_counts": _related_counts(survivor),
            "merged_counts": _related_counts(merged),
            "errors": errors,
        },
        status=status,
    )


@requires(rules.CHANGE_CUSTOMER)
@require_http_methods(["GET", "POST"])
def customer_merge(request, pk):
    survivor = scoped_customer(request, pk)
    if request.method == "GET":
        raw = request.GET.get("merged", "")
        if not raw:
            return _search_page(request, survivor)
        if not raw.isdigit() or int(raw) > MAX_ID:
            raise Http404
        merged = scoped_customer(request, int(raw))
        errors = [_("A customer cannot be merged into itself.")] if merged == survivor else []
        return _confirm_page(
            request, survivor, merged, _confirm_form(survivor, merged), errors=errors
        )

    form = MergeConfirmForm(request.POST)
    if not form.is_valid():
        return _search_page(request, survivor)
    merged = scoped_customer(request, form.cleaned_data["merged"])
    try:
        services_merge.customer_merge(
            actor=signed_in(request),
            survivor=survivor,
            merged=merged,
            survivor_version=form.cleaned_data["survivor_version"],
            merged_version=form.cleaned_data["merged_version"],
        )
    except ConflictError:
        # Show both as they are now; confirming again merges what the user now sees.
        survivor = scoped_customer(request, pk)
        merged = scoped_customer(request, merged.pk)
        message = _(
            "One of the customers was changed after you opened this page, so nothing was "
            "merged. Check them again and confirm."
        )
        return _confirm_page(
            request, survivor, merged, _confirm_form(survivor, merged), 409, [message]
        )
    except ValidationError as error:
        return _confirm_page(
            request, survivor, merged, _confirm_form(survivor, merged), errors=error.messages
        )
    messages.success(
        request,
        _("“%(merged)s” was merged into “%(survivor)s”.")
        % {"merged": merged.name, "survivor": survivor.name},
    )
    return redirect_after_form(request, survivor.get_absolute_url())
