"""The churn pages 客户流失管理: the open warnings, and postponing or confirming one.

Reads go through the churn selectors (scope), writes through the churn services (rules); a
refused transition (e.g. confirming without a warning) shows on the form.
"""

from typing import Any, ClassVar

from django import forms
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.core.views.generic import ObjectFormView, ObjectListView
from guanxi.customers import rules
from guanxi.customers.forms.churn import (
    ChurnConfirmForm,
    ChurnListFilterForm,
    ChurnPostponeForm,
)
from guanxi.customers.models import ChurnCase, Customer
from guanxi.customers.selectors import churn as selectors_churn
from guanxi.customers.services import churn as services_churn
from guanxi.customers.views.base import signed_in
from guanxi.customers.views.customers import CustomerPageMixin

ACTIVE_NAV = "churn"
CHURN_LIST_ORDERING = ("-warned_at", "-id")


class ChurnListView(ObjectListView):
    """Open churn warnings in the user's scope; ``?mine=1`` keeps the user's own customers,
    ``?warned=YYYY-MM-DD`` the warnings of that day (the link of the job's digest)."""

    permission = rules.VIEW_CHURNCASE
    active_nav = ACTIVE_NAV
    template_name = "customers/churn_list.html"
    ordering = CHURN_LIST_ORDERING
    filter_form = ChurnListFilterForm

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet:
        # A bad date shows its error on the page and filters nothing.
        warned = form.cleaned_data.get("warned") if form is not None and form.is_valid() else None
        return selectors_churn.churn_case_list(
            actor=signed_in(request), mine=self._mine(request), warned_on=warned
        )

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {"mine": self._mine(request)}

    @staticmethod
    def _mine(request: HttpRequest) -> bool:
        return request.GET.get("mine") == "1"


def _back_url(request: HttpRequest, customer: Customer) -> str:
    # Acting from the churn list returns there; otherwise to the customer.
    if request.GET.get("from") == "list":
        return reverse("customers:churn_list")
    return customer.get_absolute_url()


class ChurnDecisionView(CustomerPageMixin, ObjectFormView):
    """Postpone or confirm the churn of the customer of the URL."""

    model: ClassVar[type[Model]] = ChurnCase
    active_nav: ClassVar[str] = ACTIVE_NAV
    permission = rules.CHANGE_CHURNCASE
    template_name = "customers/churn_form.html"
    form_template_name = "customers/partials/_churn_form.html"
    action = ""

    def title(self) -> str:
        raise NotImplementedError

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        assert isinstance(record, Customer)
        return {
            "case": selectors_churn.churn_case_open(actor=signed_in(request), customer=record),
            "action": self.action,
            "title": self.title(),
            "back_url": _back_url(request, record),
        }

    def success_url(self, request: HttpRequest, record: Model) -> str:
        assert isinstance(record, ChurnCase)
        return _back_url(request, record.customer)


class ChurnPostponeView(ChurnDecisionView):
    form_class = ChurnPostponeForm
    action = "postpone"

    def title(self) -> str:
        return _("Postpone churn")

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, Customer)
        return services_churn.churn_postpone(
            actor=signed_in(request), customer=record, measures=form.cleaned_data["measures"]
        )

    def success_message(self, record: Any) -> str:
        return _("Churn of “%(name)s” postponed; the measures were recorded.") % {
            "name": record.customer.name
        }


class ChurnConfirmView(ChurnDecisionView):
    form_class = ChurnConfirmForm
    action = "confirm"

    def title(self) -> str:
        return _("Confirm churn")

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, Customer)
        return services_churn.churn_confirm(
            actor=signed_in(request),
            customer=record,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
        )

    def success_message(self, record: Any) -> str:
        return _("“%(name)s” was marked as churned.") % {"name": record.customer.name}


churn_list = ChurnListView.as_view()
churn_postpone = ChurnPostponeView.as_view()
churn_confirm = ChurnConfirmView.as_view()
