"""Who may see the statistics and reports, and which scope choices their filters offer.

Each name has one meaning; the pages, the API, the filter forms and the report queries all
ask here. Built on the identity predicates of ``guanxi.core.rules``.
"""

from typing import Any

from guanxi.accounts.roles import ACCOUNT_MANAGER, EXECUTIVE, SUPERVISOR
from guanxi.core.rules import Predicate, add_perm, leads_own_team, predicate, sees_everything

# The right to see statistics and reports (held by ``analytics.Report``), which roles grant.
VIEW_REPORTS = "analytics.view_reports"
# The object permission of one report page or report API (the record is the report's
# definition, ``framework.ReportDefinition``).
OPEN_REPORT = "analytics.open_report"
# The right to change the customer-intelligence settings (administrators).
CHANGE_INTELLIGENCE_SETTINGS = "analytics.change_intelligencesettings"


@predicate
def can_view_reports(user: Any) -> bool:
    """Holds the reports' right (a role grants it)."""
    return bool(user.has_perm(VIEW_REPORTS))


@predicate
def can_open_report(user: Any, report: Any) -> bool:
    """Every report is open to whoever may see reports: a report reads within the reader's
    scope, so it needs no right of its own."""
    return bool(can_view_reports(user))


add_perm(OPEN_REPORT, can_open_report)

# Whose figures the filters offer: every active user and every team to someone who sees
# everything; to a supervisor the users in the scope and the teams of the own team subtree;
# to anyone else the users in the scope and no team.
filters_on_everyone: Predicate = sees_everything
filters_on_own_team_subtree: Predicate = leads_own_team

# Sees the whole company: reads the company-wide rollups (the stored revenue rankings) and
# shares one cached copy of a report with everyone else who does.
reads_company_figures: Predicate = sees_everything

# Starts the company's model runs (RFM, CLV, churn, associations, forecast on every customer),
# whose per-customer results everyone reads: "Recompute now", "Fit now", "Train now".
RUN_COMPANY_MODELS = "analytics.run_company_models"
runs_company_models: Predicate = sees_everything
add_perm(RUN_COMPANY_MODELS, runs_company_models)


# -- what the built-in roles hold by default (registered from the app's ready()) ---------------
# Supervisors and account managers see the reports, each within their own scope; assistants
# do not.
ROLE_GRANTS = {
    EXECUTIVE: ["analytics.view_*"],
    SUPERVISOR: [VIEW_REPORTS],
    ACCOUNT_MANAGER: [VIEW_REPORTS],
}
