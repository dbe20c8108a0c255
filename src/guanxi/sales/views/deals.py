"""The deals list 商机列表: the pipeline's deals as a table, beside the board.

Filters by stage and owner (a user picker), the reader's columns and saved views, the total
amount of the matching deals.
"""

from typing import Any, cast

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms.pickers import PickerField
from guanxi.core.htmx import is_partial
from guanxi.core.lists import ListColumn
from guanxi.core.views.generic import ObjectListView
from guanxi.sales import rules
from guanxi.sales.models import PipelineStage
from guanxi.sales.selectors import pipeline as selectors
from guanxi.sales.views.base import signed_in

DEAL_COLUMNS = [
    ListColumn("customer", _("Customer")),
    ListColumn("stage", _("Stage")),
    ListColumn("probability", _("Probability")),
    ListColumn("expected_close_date", _("Expected close date")),
    ListColumn("owner", _("Owner")),
]


class DealFilterForm(forms.Form):
    stage = forms.ModelChoiceField(
        label=_("Stage"), queryset=PipelineStage.objects.none(), required=False
    )
    owner = PickerField("user", label=_("Owner"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["stage"]).queryset = selectors.stage_list()
        cast(PickerField, self.fields["owner"]).bind(
            actor, queryset=selectors.deal_owner_filter_choices(actor=actor)
        )

    def query(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value is not None}


class DealListView(ObjectListView):
    permission = rules.VIEW_DEAL
    active_nav = "pipeline"
    template_name = "sales/deal_list.html"
    partial_template_name = "sales/partials/_deal_table.html"
    list_key = "deals"
    list_columns = DEAL_COLUMNS
    total_field = "amount"
    total_label = _("Amount of the matching deals")
    ordering = selectors.DEAL_LIST_ORDERING

    def get_filter_form(self, request: HttpRequest) -> forms.Form:
        return DealFilterForm(request.GET or None, actor=signed_in(request))

    def rows(self, request: HttpRequest, form: forms.Form | None) -> Any:
        query = form.query() if isinstance(form, DealFilterForm) else {}
        return selectors.deal_list(actor=signed_in(request), **query)

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {"partial": is_partial(request)}


deal_list = DealListView.as_view()
