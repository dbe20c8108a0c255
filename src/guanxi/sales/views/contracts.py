"""The contract 合同 pages: list, create, detail with status changes, edit; the receivables
应收款 with their payments 回款.

Reads go through ``selectors.contracts`` (out of scope → 404); writes through
``services.contracts``.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.lists import ListColumn
from guanxi.core.selectors.pages import record_history
from guanxi.core.views.generic import (
    ObjectActionView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
    object_or_404,
    posted_version,
)
from guanxi.sales import rules
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
from guanxi.sales.views.base import (
    LockedRecordMixin,
    RecordOnceMixin,
    RefusedStatusMixin,
    customer_or_404,
    signed_in,
)

ACTIVE_NAV = "contracts"


# The columns a reader may hide on this list (the code/name and the amount always show).
CONTRACT_COLUMNS = [
    ListColumn("title", gettext_lazy("Title")),
    ListColumn("owner", gettext_lazy("Account manager")),
    ListColumn("signed_on", gettext_lazy("Signed")),
    ListColumn("status", gettext_lazy("Status")),
]


class ContractListView(ObjectListView):
    permission = rules.VIEW_CONTRACT
    active_nav = ACTIVE_NAV
    template_name = "sales/contract_list.html"
    list_key = "contracts"
    list_columns = CONTRACT_COLUMNS
    total_field = "amount"
    total_label = gettext_lazy("Total of the matching contracts")
    filter_form = ContractFilterForm
    ordering = selectors_contracts.CONTRACT_ORDERING

    def rows(self, request: HttpRequest, form: Any) -> Any:
        status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
        return selectors_contracts.contract_list(actor=signed_in(request), status=status)


class _ContractView(ObjectView):
    model = Contract
    active_nav = ACTIVE_NAV
    context_object_name = "contract"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors_contracts.contract_get, actor=signed_in(request), pk=pk)


class ContractDetailView(_ContractView):
    permission = rules.VIEW_CONTRACT
    http_method_names = ["get", "head", "options"]
    template_name = "sales/contract_detail.html"

    def extra_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        moves = [
            (status, Contract.Status(status).label)
            for status, allowed in services_contracts.STATUS_MOVES.items()
            if record.status in allowed
        ]
        return {
            "moves": moves,
            "editable": record.status not in services_contracts.FINAL_STATES,
            "history": record_history(instance=record, limit=30),
        }


class _ContractFormView(_ContractView, ObjectFormView):
    template_name = "sales/contract_form.html"
    form_template_name = "sales/partials/_contract_form.html"


class ContractCreateView(_ContractFormView):
    permission = rules.ADD_CONTRACT

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is not None:
            return ContractForm(data, actor=signed_in(request))
        initial = {}
        if (raw := request.GET.get("customer", "")).isdigit():
            initial = {"customer": customer_or_404(request, raw).code}
        return ContractForm(initial=initial, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> Contract:
        values = form.values()
        return services_contracts.contract_create(
            actor=signed_in(request), customer=values.pop("customer"), **values
        )

    def success_message(self, record: Any) -> str:
        return _("Contract %(code)s was created.") % {"code": record.code}


class ContractEditView(LockedRecordMixin, _ContractFormView):
    permission = rules.CHANGE_CONTRACT

    def locked_message(self, request: HttpRequest, record: Any) -> str:
        if record.status not in services_contracts.FINAL_STATES:
            return ""
        return _("A %(status)s contract cannot be changed any more.") % {
            "status": record.get_status_display().lower()
        }

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        if data is None:
            initial = ContractEditForm.initial_for(record)
            return ContractEditForm(initial=initial, actor=signed_in(request))
        return ContractEditForm(data, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> Contract:
        return services_contracts.contract_update(
            actor=signed_in(request),
            contract=record,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )

    def success_message(self, record: Any) -> str:
        return _("Contract %(code)s was saved.") % {"code": record.code}


class ContractStatusView(_ContractView, ObjectActionView):
    permission = rules.CHANGE_CONTRACT

    def act(self, request: HttpRequest, record: Any, form: Any) -> Contract:
        return services_contracts.contract_set_status(
            actor=signed_in(request),
            contract=record,
            status=request.POST.get("status", ""),
            expected_version=posted_version(request),
        )

    def success_message(self, record: Any) -> str:
        return _("Contract %(code)s is now %(status)s.") % {
            "code": record.code,
            "status": record.get_status_display(),
        }


# --- receivables 应收款 and payments 回款 --------------------------------------------------------


class ReceivableListView(ObjectListView):
    permission = rules.VIEW_RECEIVABLE
    active_nav = "receivables"
    template_name = "sales/receivable_list.html"
    list_key = "receivables"
    total_field = "amount_due"
    total_label = gettext_lazy("Total due of the matching receivables")
    ordering = selectors_contracts.RECEIVABLE_ORDERING

    def rows(self, request: HttpRequest, form: Any) -> Any:
        overdue = request.GET.get("overdue") == "1"
        return selectors_contracts.receivable_list(actor=signed_in(request), overdue=overdue)

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {"overdue": request.GET.get("overdue") == "1"}


class _ReceivableView(ObjectView):
    model = Receivable
    active_nav = "receivables"
    context_object_name = "receivable"

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors_contracts.receivable_get, actor=signed_in(request), pk=pk)


class ReceivableCreateView(_ReceivableView, ObjectFormView):
    permission = rules.ADD_RECEIVABLE
    template_name = "sales/receivable_form.html"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        # From an order's or a contract's page: ?order=<id> or ?contract=<id>.
        initial = {
            name: request.GET[name]
            for name in ("order", "contract")
            if request.GET.get(name, "").isdigit()
        }
        return ReceivableForm(data or None, initial=initial, actor=signed_in(request))

    def save(self, request: HttpRequest, form: Any, record: Any) -> Receivable:
        return services_contracts.receivable_create(actor=signed_in(request), **form.values())

    def success_message(self, record: Any) -> str:
        return _("Receivable of %(code)s was opened.") % {"code": record.source_code}


class ReceivableDetailView(RefusedStatusMixin, RecordOnceMixin, _ReceivableView):
    """The receivable with its payments; posting the payment form records one."""

    permission = rules.VIEW_RECEIVABLE
    template_name = "sales/receivable_detail.html"

    def get_form(self, request: HttpRequest, record: Any, data: Any = None) -> Any:
        return PaymentForm(data or None)

    def form_context(self, request: HttpRequest, form: Any, record: Any) -> dict[str, Any]:
        return {"history": record_history(instance=record, limit=30)}

    def post(self, request: HttpRequest, pk: Any = None, **kwargs: Any) -> HttpResponse:
        self.record_for(request, pk)  # out of scope → 404 before the right is asked
        if not request.user.has_perm(rules.ADD_PAYMENT):
            raise PermissionDenied
        return super().post(request, pk, **kwargs)

    def run(self, request: HttpRequest, form: Any, record: Any) -> Receivable:
        services_contracts.payment_record(
            actor=signed_in(request), receivable=record, **form.cleaned_data
        )
        return record

    def success_message(self, record: Any) -> str:
        return _("The payment was recorded.")


contract_list = ContractListView.as_view()
contract_create = ContractCreateView.as_view()
contract_detail = ContractDetailView.as_view()
contract_edit = ContractEditView.as_view()
contract_status = ContractStatusView.as_view()
receivable_list = ReceivableListView.as_view()
receivable_create = ReceivableCreateView.as_view()
receivable_detail = ReceivableDetailView.as_view()
