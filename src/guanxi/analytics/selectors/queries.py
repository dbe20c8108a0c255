"""Saved queries 自定义查询: the reader's own and their team's shared saved list views of every
list, report and the pivot, each with the link that reopens it ("my queries").

A saved query is a saved list view (``core.models.SavedListView``): a list page saves its
filters under its list key (``customers``), a report under ``report:<slug>``, the pivot under
``pivot`` (both registered with ``core.lists`` by ``analytics.views``). Nothing is stored twice.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.models import SavedListView
from guanxi.core.selectors.list_views import list_view_list
from guanxi.core.views.list_views import VIEW_PARAMETER, view_url

PIVOT_KEY = "pivot"
REPORT_PREFIX = "report:"

# The record lists whose saved views are queries too: list key → (URL name, title).
LIST_PAGES: dict[str, tuple[str, Promise]] = {
    "customers": ("customers:list", _("Customers")),
    "contacts": ("customers:contact_list", _("Contacts")),
    "leads": ("sales:lead_list", _("Leads")),
    "opportunities": ("sales:opportunity_list", _("Opportunities")),
    "deals": ("sales:deal_list", _("Deals")),
    "quotes": ("sales:quote_list", _("Quotes")),
    "orders": ("sales:order_list", _("Orders")),
    "contracts": ("sales:contract_list", _("Contracts")),
    "receivables": ("sales:receivable_list", _("Receivables")),
    "service_requests": ("service:request_list", _("Service requests")),
}


def report_key(slug: str) -> str:
    return f"{REPORT_PREFIX}{slug}"


@dataclass(frozen=True)
class SavedQuery:
    view: SavedListView
    # What it queries: a list's, a report's title or "Pivot".
    source: str
    url: str | None

    @property
    def name(self) -> str:
        return self.view.name


# Never reopened: a download, a table choice or a drill-down's cell (saved by hand or by API).
NOT_REOPENED = frozenset({"export", "table", "row", "column"})


def _page_url(path: str, view: SavedListView) -> str:
    pairs = [
        (key, value)
        for key, values in QueryDict(view.query).lists()
        if key not in NOT_REOPENED
        for value in values
    ]
    return f"{path}?{urlencode([*pairs, (VIEW_PARAMETER, str(view.pk))])}"


def saved_query(view: SavedListView) -> SavedQuery:
    """The saved view with what it queries and its link (None: its page is gone)."""
    # Imported here: the reports register when the package loads (framework ↔ reports).
    from guanxi.analytics.framework import get_report

    key = view.list_key
    if key == PIVOT_KEY:
        return SavedQuery(view, str(_("Pivot")), _page_url(reverse("analytics:pivot"), view))
    if key.startswith(REPORT_PREFIX):
        report = get_report(key.removeprefix(REPORT_PREFIX))
        if report is None:
            return SavedQuery(view, key, None)
        path = reverse("analytics:report", args=[report.slug])
        return SavedQuery(view, str(report.title), _page_url(path, view))
    if key in LIST_PAGES:
        name, title = LIST_PAGES[key]
        try:
            return SavedQuery(view, str(title), view_url(reverse(name), view))
        except NoReverseMatch:
            pass
    return SavedQuery(view, key, None)


def saved_query_list(*, actor: User, list_key: str | None = None) -> list[SavedQuery]:
    """The saved queries ``actor`` may open (own and shared by the team), by list and name."""
    return [saved_query(view) for view in list_view_list(actor=actor, list_key=list_key)]
