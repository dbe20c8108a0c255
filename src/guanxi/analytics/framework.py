"""The report framework: what a report declares, and the one registry pages and API read.

A report is a module of ``guanxi.analytics.reports`` that registers a :class:`ReportDefinition`:

- its filter form (a subclass of ``forms.ReportFilterForm``),
- the tables it returns, each a list of :class:`Column` (the page's table, the export's columns
  and the API's JSON fields all come from them, so they cannot disagree),
- the summary figures,
- ``compute(actor, params) -> dict`` which reads the numbers in the database within the actor's
  scope and returns ``{"date_from", "date_to", "summary": {...}, <table key>: [rows]}``,
- ``chart(data) -> plotly Figure`` built only from those rows.

Values are Decimal (money, percentages with two decimals), int, str or date; ``None`` is "no
value", e.g. a rate with a zero denominator: "—" on the page and in exports, null in JSON.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from guanxi.accounts.models import User
from guanxi.analytics.caching import cached
from guanxi.analytics.sessions import report_transaction

# Re-exported for the report modules: one set of kinds for pages, charts and exports.
from guanxi.core.formatting import DATE as DATE
from guanxi.core.formatting import INTEGER as INTEGER
from guanxi.core.formatting import MONEY as MONEY
from guanxi.core.formatting import NUMBER as NUMBER
from guanxi.core.formatting import PERCENT as PERCENT
from guanxi.core.formatting import TEXT as TEXT

# A report's cleaned filters (``forms.ReportFilterForm.params``): the common ones (``date_from``,
# ``date_to``, ``owner``, ``team``, ``region``, ``level``, None when not chosen) and the
# report's own.
ReportParams = dict[str, Any]
# What ``compute`` returns: the period, ``summary`` and one list of rows per table.
ReportData = dict[str, Any]

# Column kinds: how a value is shown on the page and formatted in xlsx (core.formatting).
ID = "id"


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    kind: str = TEXT
    help: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in {INTEGER, MONEY, PERCENT, NUMBER}


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: object
    columns: tuple[Column, ...]
    # Columns kept out of the page and the export (ids the API gives for links).
    hidden: tuple[str, ...] = ()

    @property
    def visible_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.key not in self.hidden)


@dataclass(frozen=True)
class ReportDefinition:
    slug: str
    title: object
    description: object
    form_class: type
    compute: Callable[[User, ReportParams], ReportData]
    chart: Callable[[ReportData], object]
    tables: tuple[TableSpec, ...]
    summary: tuple[Column, ...] = field(default_factory=tuple)
    # The Python name of the report, for the API's operation and component names.
    name: str = ""
    # A template included beside the report's title (e.g. a button that recomputes a model).
    actions_template: str = ""

    def run(self, actor: User, params: ReportParams) -> ReportData:
        with report_transaction():
            return self.compute(actor, params)

    def cached_run(self, actor: User, params: ReportParams) -> ReportData:
        """:meth:`run` through the short-lived result cache, with ``as_of``."""
        return cached(
            self.slug, actor=actor, params=params, compute=lambda: self.run(actor, params)
        )

    def table(self, key: str | None) -> TableSpec:
        for spec in self.tables:
            if spec.key == key:
                return spec
        return self.tables[0]


REPORTS: dict[str, ReportDefinition] = {}


def register(definition: ReportDefinition) -> ReportDefinition:
    if definition.slug in REPORTS:
        raise ValueError(f"report {definition.slug!r} is registered twice")
    REPORTS[definition.slug] = definition
    return definition


def reports() -> list[ReportDefinition]:
    # Imported here: importing the package registers every report, and each report module
    # imports this one (framework → reports → framework).
    from guanxi.analytics.reports import MENU

    return sorted(REPORTS.values(), key=lambda report: MENU.index(report.slug))


def get_report(slug: str) -> ReportDefinition | None:
    reports()
    return REPORTS.get(slug)
