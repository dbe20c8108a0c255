"""Simple fields of leads and opportunities edited in place on their lists (core.views.inline).

Each save goes through the record's own service with the version the cell was opened at, so
the service's rules (who may edit, and when) and the optimistic lock apply as on the edit page.
A reader the record's rule refuses gets no edit button on the list and a 403 here.
"""

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from guanxi.core.formatting import format_date, format_percent
from guanxi.core.views.generic import object_or_404
from guanxi.core.views.inline import InlineEditForm, InlineEditView
from guanxi.sales import rules
from guanxi.sales.models import Lead, Opportunity
from guanxi.sales.selectors import leads as selectors_leads
from guanxi.sales.selectors import opportunities as selectors_opportunities
from guanxi.sales.services import leads as services_leads
from guanxi.sales.services import opportunities as services_opportunities
from guanxi.sales.views.base import signed_in


def mark_inline_editable(user: Any, rows: Any, rule: Any) -> None:
    """Tell each listed row whether ``user`` may edit its cells in place (``rule``), so the
    list shows the edit buttons only where the save would be allowed."""
    for row in rows:
        row.inline_editable = bool(rule(user, row))


class _RuledInlineView(InlineEditView):
    """The record from its scoped selector (404 outside), then its rule (403 without)."""

    rule: ClassVar[Any]
    url_name: ClassVar[str]
    # The column's header, which the cell and its errors name (the list's words, not the model's).
    value_label: ClassVar[Any]

    def label(self) -> str:
        return str(self.value_label)

    def get_checked_object(self, request: HttpRequest, pk: Any) -> Model:
        record = super().get_checked_object(request, pk)
        if not self.rule(request.user, record):
            raise PermissionDenied
        return record

    def url(self, record: Model) -> str:
        return reverse(self.url_name, args=[record.pk])

    def form_for(
        self, form_class: type[forms.Form], record: Model, initial: Any, data: Any
    ) -> forms.Form:
        return form_class(
            data,
            initial={"value": initial, "version": getattr(record, "version", 0)},
            auto_id=f"inline-{self.field}-{record.pk}-%s",
        )


# -- opportunities: the success probability and the expected close date -----------------------


class ProbabilityForm(InlineEditForm):
    value = forms.IntegerField(
        label=gettext_lazy("Success probability"), min_value=0, max_value=100
    )


class CloseDateForm(InlineEditForm):
    value = forms.DateField(
        label=gettext_lazy("Expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class _OpportunityInlineView(_RuledInlineView):
    model = Opportunity
    permission = rules.CHANGE_OPPORTUNITY
    rule = rules.can_edit_opportunity

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(
            selectors_opportunities.opportunity_get, actor=signed_in(request), pk=pk
        )

    def save(self, request: HttpRequest, record: Model, value: Any, version: int) -> Model:
        assert isinstance(record, Opportunity)
        return services_opportunities.opportunity_update(
            actor=signed_in(request),
            opportunity=record,
            expected_version=version,
            **{self.field: value},  # type: ignore[arg-type]
        )


class OpportunityProbabilityInlineView(_OpportunityInlineView):
    field = "probability"
    url_name = "sales:inline_opportunity_probability"
    value_label = gettext_lazy("Success probability")

    def make_form(self, request: HttpRequest, record: Model, data: Any = None) -> forms.Form:
        assert isinstance(record, Opportunity)
        return self.form_for(ProbabilityForm, record, record.probability, data)

    def display(self, record: Model) -> str:
        assert isinstance(record, Opportunity)
        return format_percent(record.probability)


class OpportunityCloseDateInlineView(_OpportunityInlineView):
    field = "expected_close_date"
    url_name = "sales:inline_opportunity_close_date"
    value_label = gettext_lazy("Expected close date")

    def make_form(self, request: HttpRequest, record: Model, data: Any = None) -> forms.Form:
        assert isinstance(record, Opportunity)
        return self.form_for(CloseDateForm, record, record.expected_close_date, data)

    def display(self, record: Model) -> str:
        assert isinstance(record, Opportunity)
        value = record.expected_close_date
        return format_date(value) if value else "—"


# -- leads: the source --------------------------------------------------------------------------


class LeadSourceForm(InlineEditForm):
    value = forms.ChoiceField(label=gettext_lazy("Lead source"), choices=Lead.Source.choices)


class LeadSourceInlineView(_RuledInlineView):
    model = Lead
    permission = rules.CHANGE_LEAD
    rule = rules.can_work_lead
    field = "source"
    url_name = "sales:inline_lead_source"
    value_label = gettext_lazy("Lead source")

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors_leads.lead_get, actor=signed_in(request), pk=pk)

    def make_form(self, request: HttpRequest, record: Model, data: Any = None) -> forms.Form:
        assert isinstance(record, Lead)
        return self.form_for(LeadSourceForm, record, record.source, data)

    def display(self, record: Model) -> str:
        assert isinstance(record, Lead)
        return str(record.get_source_display())

    def save(self, request: HttpRequest, record: Model, value: Any, version: int) -> Model:
        assert isinstance(record, Lead)
        return services_leads.lead_update(
            actor=signed_in(request), lead=record, expected_version=version, source=value
        )


opportunity_inline_probability = OpportunityProbabilityInlineView.as_view()
opportunity_inline_close_date = OpportunityCloseDateInlineView.as_view()
lead_inline_source = LeadSourceInlineView.as_view()
