"""The churn pages 客户流失管理: the open warnings, and postponing or confirming one.

Reads go through selectors_churn (scope), writes through services_churn (rules); a refused
transition (e.g. confirming without a warning) shows on the form.
"""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.core.forms.dictionaries import submitted
from guanxi.core.htmx import redirect_after_form, render_form_page
from guanxi.core.pagination import paginate_request
from guanxi.customers.forms.churn import ChurnConfirmForm, ChurnPostponeForm
from guanxi.customers.selectors import churn as selectors_churn
from guanxi.customers.services import churn as services_churn
from guanxi.customers.views.customers import _customer_or_404, _requires

ACTIVE_NAV = "churn"
CHURN_LIST_ORDERING = ("-warned_at", "-id")


@_requires("customers.view_churncase")
def churn_list(request):
    """Open churn warnings in the user's scope; ``?mine=1`` keeps the user's own customers."""
    mine = request.GET.get("mine") == "1"
    cases = selectors_churn.churn_case_list(actor=request.user, mine=mine)
    page = paginate_request(request, cases, ordering=CHURN_LIST_ORDERING)
    return render(
        request,
        "customers/churn_list.html",
        {"active_nav": ACTIVE_NAV, "page": page, "mine": mine},
    )


def _back_url(request, customer) -> str:
    # Acting from the churn list returns there; otherwise to the customer.
    if request.GET.get("from") == "list":
        return reverse("customers:churn_list")
    return customer.get_absolute_url()


def _form_page(request, *, customer, form, action: str, title: str):
    return render_form_page(
        request,
        page_template="customers/churn_form.html",
        form_template="customers/partials/_churn_form.html",
        context={
            "active_nav": ACTIVE_NAV,
            "customer": customer,
            "case": selectors_churn.churn_case_open(actor=request.user, customer=customer),
            "form": form,
            "action": action,
            "title": title,
            "back_url": _back_url(request, customer),
        },
    )


@_requires("customers.change_churncase")
@require_http_methods(["GET", "POST"])
def churn_postpone(request, pk):
    customer = _customer_or_404(request, pk)
    form = ChurnPostponeForm(request.POST if request.method == "POST" else None)
    case = submitted(
        request,
        form,
        lambda: services_churn.churn_postpone(
            actor=request.user, customer=customer, measures=form.cleaned_data["measures"]
        ),
    )
    if case is not None:
        messages.success(
            request,
            _("Churn of “%(name)s” postponed; the measures were recorded.")
            % {"name": customer.name},
        )
        return redirect_after_form(request, _back_url(request, customer))
    return _form_page(
        request, customer=customer, form=form, action="postpone", title=_("Postpone churn")
    )


@_requires("customers.change_churncase")
@require_http_methods(["GET", "POST"])
def churn_confirm(request, pk):
    customer = _customer_or_404(request, pk)
    form = ChurnConfirmForm(request.POST if request.method == "POST" else None)
    case = submitted(
        request,
        form,
        lambda: services_churn.churn_confirm(
            actor=request.user,
            customer=customer,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
        ),
    )
    if case is not None:
        messages.success(request, _("“%(name)s” was marked as churned.") % {"name": customer.name})
        return redirect_after_form(request, _back_url(request, customer))
    return _form_page(
        request, customer=customer, form=form, action="confirm", title=_("Confirm churn")
    )
