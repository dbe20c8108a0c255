"""The contract 合同 pages: list, create, detail with status changes, edit.

Reads go through selectors_contracts (out of scope → 404); writes through services_contracts.
"""

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
from guanxi.sales.forms.contracts import (
    ContractEditForm,
    ContractFilterForm,
    ContractForm,
    PaymentForm,
    ReceivableForm,
)
from guanxi.sales.models import Contract, Receivable
from guanxi.sales.selectors import contracts as selectors_contracts
from guanxi.sales.services import contracts as services_contracts
from guanxi.sales.views.orders import _customer_or_404

ACTIVE_NAV = "contracts"


def _conflict_message() -> str:
    return _(
        "Someone else changed this contract after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    )


def _contract_or_404(request, pk) -> Contract:
    try:
        return selectors_contracts.contract_get(actor=request.user, pk=pk)
    except Contract.DoesNotExist as missing:
        raise Http404 from missing


@_requires("sales.view_contract")
@require_GET
def contract_list(request):
    form = ContractFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    contracts = selectors_contracts.contract_list(actor=request.user, status=status)
    page = paginate_request(request, contracts, ordering=selectors_contracts.CONTRACT_ORDERING)
    return render(
        request,
        "sales/contract_list.html",
        {"active_nav": ACTIVE_NAV, "form": form, "page": page},
    )


@_requires("sales.view_contract")
@require_GET
def contract_detail(request, pk):
    contract = _contract_or_404(request, pk)
    moves = [
        (status, Contract.Status(status).label)
        for status, allowed in services_contracts.STATUS_MOVES.items()
        if contract.status in allowed
    ]
    return render(
        request,
        "sales/contract_detail.html",
        {
            "active_nav": ACTIVE_NAV,
            "contract": contract,
            "moves": moves,
            "editable": contract.status not in services_contracts.FINAL_STATES,
            "history": record_history(instance=contract, limit=30),
        },
    )


def _render_form(request, *, form, contract=None, status=200):
    return render_form_page(
        request,
        page_template="sales/contract_form.html",
        form_template="sales/partials/_contract_form.html",
        context={"active_nav": ACTIVE_NAV, "form": form, "contract": contract},
        status=status,
    )


@_requires("sales.add_contract")
@require_http_methods(["GET", "POST"])
def contract_create(request):
    if request.method != "POST":
        initial = {}
        if (raw := request.GET.get("customer", "")).isdigit():
            initial = {"customer": _customer_or_404(request, raw).code}
        return _render_form(request, form=ContractForm(initial=initial, actor=request.user))
    form = ContractForm(request.POST, actor=request.user)
    if form.is_valid():
        values = form.values()
        try:
            contract = services_contracts.contract_create(
                actor=request.user, customer=values.pop("customer"), **values
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Contract %(code)s was created.") % {"code": contract.code})
            return redirect_after_form(request, contract.get_absolute_url())
    return _render_form(request, form=form)


@_requires("sales.change_contract")
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk):
    contract = _contract_or_404(request, pk)
    if contract.status in services_contracts.FINAL_STATES:
        messages.error(
            request,
            _("A %(status)s contract cannot be changed any more.")
            % {"status": contract.get_status_display().lower()},
        )
        return redirect(contract.get_absolute_url())
    if request.method != "POST":
        form = ContractEditForm(initial=ContractEditForm.initial_for(contract), actor=request.user)
        return _render_form(request, form=form, contract=contract)
    form = ContractEditForm(request.POST, actor=request.user)
    status = 200
    if form.is_valid():
        try:
            services_contracts.contract_update(
                actor=request.user,
                contract=contract,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError:
            form.add_error(None, _conflict_message())
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Contract %(code)s was saved.") % {"code": contract.code})
            return redirect_after_form(request, contract.get_absolute_url())
    return _render_form(request, form=form, contract=contract, status=status)


@_requires("sales.change_contract")
@require_POST
def contract_status(request, pk):
    contract = _contract_or_404(request, pk)
    raw = request.POST.get("version", "")
    try:
        services_contracts.contract_set_status(
            actor=request.user,
            contract=contract,
            status=request.POST.get("status", ""),
            expected_version=int(raw) if raw.isdigit() else 0,
        )
    except ConflictError:
        messages.error(request, _conflict_message())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Contract %(code)s is now %(status)s.")
            % {"code": contract.code, "status": contract.get_status_display()},
        )
    return redirect(contract.get_absolute_url())


# --- receivables 应收款 and payments 回款 --------------------------------------------------------


@_requires("sales.view_receivable")
@require_GET
def receivable_list(request):
    overdue = request.GET.get("overdue") == "1"
    receivables = selectors_contracts.receivable_list(actor=request.user, overdue=overdue)
    page = paginate_request(request, receivables, ordering=selectors_contracts.RECEIVABLE_ORDERING)
    return render(
        request,
        "sales/receivable_list.html",
        {"active_nav": "receivables", "page": page, "overdue": overdue},
    )


@_requires("sales.add_receivable")
@require_http_methods(["GET", "POST"])
def receivable_create(request):
    form = ReceivableForm(
        request.POST or None,
        initial={"source": request.GET.get("source", "")[:20]},
        actor=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            receivable = services_contracts.receivable_create(actor=request.user, **form.values())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Receivable of %(code)s was opened.") % {"code": receivable.source_code},
            )
            return redirect_after_form(request, receivable.get_absolute_url())
    return render(
        request, "sales/receivable_form.html", {"active_nav": "receivables", "form": form}
    )


def _receivable_or_404(request, pk) -> Receivable:
    try:
        return selectors_contracts.receivable_get(actor=request.user, pk=pk)
    except Receivable.DoesNotExist as missing:
        raise Http404 from missing


@_requires("sales.view_receivable")
@require_http_methods(["GET", "POST"])
def receivable_detail(request, pk):
    receivable = _receivable_or_404(request, pk)
    form = PaymentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("sales.add_payment"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services_contracts.payment_record(
                    actor=request.user, receivable=receivable, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
                status = 422
            else:
                messages.success(request, _("The payment was recorded."))
                return redirect(receivable.get_absolute_url())
    return render(
        request,
        "sales/receivable_detail.html",
        {
            "active_nav": "receivables",
            "receivable": receivable,
            "form": form,
            "history": record_history(instance=receivable, limit=30),
        },
        status=status,
    )
