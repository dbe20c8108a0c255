"""Who may see and change the evaluation of the CRM itself: TCO plans, ROI assessments, KPI
baselines with their targets and the periodic application assessment.

These are company figures, not anyone's records: there is no record scope, only the rights.
Administrators (every right) and executives (granted below, the one place where an executive
writes: judging whether the CRM pays is the management's own work) create and change them;
whoever else is given the view right reads them; anyone else gets 403 on the pages and the
API, and 404 for a single record.

KPI baselines and the periodic assessment are the whole company's figures: reading them takes
the reports' right *and* seeing the company's figures (``analytics.rules.reads_company_figures``,
administrators and executives), so a supervisor, whose reports read within a team, does not.
"""

from typing import Any

from guanxi.accounts.roles import EXECUTIVE
from guanxi.analytics.rules import can_view_reports, reads_company_figures
from guanxi.core.rules import Predicate, add_perm, predicate

VIEW_TCO_PLAN = "evaluation.view_tcoplan"
ADD_TCO_PLAN = "evaluation.add_tcoplan"
CHANGE_TCO_PLAN = "evaluation.change_tcoplan"
DELETE_TCO_PLAN = "evaluation.delete_tcoplan"
VIEW_ROI_ASSESSMENT = "evaluation.view_roiassessment"
ADD_ROI_ASSESSMENT = "evaluation.add_roiassessment"
CHANGE_ROI_ASSESSMENT = "evaluation.change_roiassessment"
DELETE_ROI_ASSESSMENT = "evaluation.delete_roiassessment"
ADD_BASELINE = "evaluation.add_baseline"
CHANGE_BASELINE = "evaluation.change_baseline"
DELETE_BASELINE = "evaluation.delete_baseline"
# Reading baselines, their comparisons and the periodic assessment (a rule, not a stored right).
READ_BASELINES = "evaluation.read_baselines"


@predicate
def reads_tco(user: Any) -> bool:
    """Holds the right to read TCO plans."""
    return bool(user.has_perm(VIEW_TCO_PLAN))


@predicate
def edits_tco(user: Any) -> bool:
    """May create and change TCO plans (administrators and executives by default)."""
    return bool(user.has_perm(ADD_TCO_PLAN) and user.has_perm(CHANGE_TCO_PLAN))


@predicate
def reads_roi(user: Any) -> bool:
    """Holds the right to read ROI assessments (they show their plan's costs too)."""
    return bool(user.has_perm(VIEW_ROI_ASSESSMENT) and user.has_perm(VIEW_TCO_PLAN))


@predicate
def edits_roi(user: Any) -> bool:
    """May create and change ROI assessments (and reads the plans they weigh)."""
    return bool(
        reads_roi(user)
        and user.has_perm(ADD_ROI_ASSESSMENT)
        and user.has_perm(CHANGE_ROI_ASSESSMENT)
    )


reads_baselines: Predicate = can_view_reports & reads_company_figures
add_perm(READ_BASELINES, reads_baselines)


@predicate
def edits_baselines(user: Any) -> bool:
    """May take baselines and agree their targets (administrators and executives by default)."""
    return bool(
        reads_baselines(user) and user.has_perm(ADD_BASELINE) and user.has_perm(CHANGE_BASELINE)
    )


# -- what the built-in roles hold by default (registered from the app's ready()) ---------------
# Administrators hold every right already; executives read and edit the evaluation.
ROLE_GRANTS = {
    EXECUTIVE: [
        VIEW_TCO_PLAN,
        ADD_TCO_PLAN,
        CHANGE_TCO_PLAN,
        DELETE_TCO_PLAN,
        VIEW_ROI_ASSESSMENT,
        ADD_ROI_ASSESSMENT,
        CHANGE_ROI_ASSESSMENT,
        DELETE_ROI_ASSESSMENT,
        ADD_BASELINE,
        CHANGE_BASELINE,
        DELETE_BASELINE,
    ],
}
