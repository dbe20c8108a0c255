"""The TCO plan form: the plan's fields and a grid of amounts (category × kind × year).
It parses input; ``services.tco`` decides."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.evaluation.methods import tco as method
from guanxi.evaluation.models import TCOPlan
from guanxi.evaluation.models.tco import CostCategory, CostKind

_AMOUNT: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": 0, "required": False}
YEARS = range(1, method.YEARS + 1)


def cell_name(category: str, kind: str, year: int) -> str:
    """The form field of one amount: ``licence-initial-1``."""
    return f"{category}-{kind}-{year}"


@dataclass(frozen=True)
class GridRow:
    """One row of the amounts grid: a category's initial or ongoing amounts, years 1–5."""

    category: str
    category_label: str
    kind: str
    kind_label: str
    cells: list[forms.BoundField]
    first: bool


class TCOPlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    users = forms.IntegerField(
        label=_("Users"),
        min_value=1,
        max_value=method.MAX_USERS,
        help_text=_("How many people use the CRM (for the cost per user)."),
    )
    keep_running = forms.DecimalField(
        label=_("Keeping it running (years 3–5)"),
        help_text=_("Of the budget of years 3 to 5, the amount that keeps the system running."),
        **_AMOUNT,
    )
    competitive_advantage = forms.DecimalField(
        label=_("Competitive advantage (years 3–5)"),
        help_text=_(
            "Of the budget of years 3 to 5, the amount spent on new capabilities that give "
            "an advantage."
        ),
        **_AMOUNT,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in method.CATEGORIES:
            label = CostCategory(category).label
            for kind in method.KINDS:
                for year in YEARS:
                    self.fields[cell_name(category, kind, year)] = forms.DecimalField(
                        label=_("%(category)s, %(kind)s, year %(year)d")
                        % {"category": label, "kind": CostKind(kind).label, "year": year},
                        widget=forms.NumberInput(
                            attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}
                        ),
                        **_AMOUNT,
                    )

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "users", "keep_running", "competitive_advantage")]

    def grid(self) -> list[GridRow]:
        return [
            GridRow(
                category=category,
                category_label=str(CostCategory(category).label),
                kind=kind,
                kind_label=str(CostKind(kind).label),
                cells=[self[cell_name(category, kind, year)] for year in YEARS],
                first=kind == method.KINDS[0],
            )
            for category in method.CATEGORIES
            for kind in method.KINDS
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        costs = [
            {"category": category, "kind": kind, "year": year, "amount": amount}
            for category in method.CATEGORIES
            for kind in method.KINDS
            for year in YEARS
            if (amount := data.get(cell_name(category, kind, year)))
        ]
        return {
            "name": data["name"],
            "users": data["users"],
            "keep_running": data.get("keep_running") or 0,
            "competitive_advantage": data.get("competitive_advantage") or 0,
            "notes": data.get("notes") or "",
            "costs": costs,
        }

    @staticmethod
    def initial_for(plan: TCOPlan) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": plan.name,
            "users": plan.users,
            "keep_running": plan.keep_running,
            "competitive_advantage": plan.competitive_advantage,
            "notes": plan.notes,
            "version": plan.version,
        }
        for cost in plan.costs.all():
            initial[cell_name(cost.category, cost.kind, cost.year)] = cost.amount
        return initial


class TCOPlanEditForm(TCOPlanForm):
    # The version the editor read: a save against a newer version is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
