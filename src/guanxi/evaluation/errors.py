"""What the evaluation methods' input errors say, in the reader's language, and which input
they name (``matrix[1][0]``, ``weights``…): one place for the pages and the API."""

from django.utils.translation import gettext as _

from guanxi.evaluation.methods import tco as tco_method
from guanxi.evaluation.methods.ahp import MAX_ITEMS, JudgementError
from guanxi.evaluation.methods.fuzzy import FuzzyError
from guanxi.evaluation.methods.roi import ROIError
from guanxi.evaluation.methods.tco import TCOError


def judgement_error(error: JudgementError, name: str = "matrix") -> tuple[str, str]:
    """(the input it names, the message) of a judgement matrix error."""
    messages = {
        "empty": _("Enter at least one row of judgements."),
        "too_large": _("A judgement matrix compares at most %(max)d items.") % {"max": MAX_ITEMS},
        "not_square": _("Every row must have as many judgements as there are rows."),
        "not_number": _("Enter a number."),
        "not_positive": _("A judgement must be a positive number."),
        "out_of_scale": _("A judgement must lie between 1/9 and 9 (Saaty's scale)."),
        "diagonal": _("An item compared with itself is 1."),
        "not_reciprocal": _(
            "This judgement must be the reciprocal of its mirror cell (a[j][i] = 1 / a[i][j])."
        ),
        "different_sizes": _("Every expert's matrix must compare the same items."),
    }
    message = messages[error.kind]
    if error.cell is None:
        return name, message
    row, column = error.cell
    where = _("Row %(row)d, column %(column)d") % {"row": row + 1, "column": column + 1}
    return f"{name}[{row}][{column}]", f"{where}: {message}"


def fuzzy_error(error: FuzzyError) -> tuple[str, str]:
    """(the input it names, the message) of a fuzzy evaluation error."""
    messages = {
        "empty": _("Enter at least one value."),
        "not_number": _("Enter a number."),
        "negative": _("Values must be zero or positive."),
        "weights_sum": _("The weights must add up to 1."),
        "row_sum": _("The shares of a membership row must add up to at most 1."),
        "size": _(
            "The number of values does not match: one membership row per weight, one "
            "grade score per grade."
        ),
    }
    name = error.name
    if error.index is not None:
        name += f"[{error.index}]"
    if error.column is not None:
        name += f"[{error.column}]"
    return name, messages[error.kind]


def tco_error(error: TCOError) -> tuple[str, str]:
    """(the input it names, the message) of a TCO plan error."""
    messages = {
        "not_number": _("Enter a number."),
        "negative": _("An amount cannot be negative."),
        "too_large": _("This amount is too large."),
        "year": _("The year must be 1 to %(years)d.") % {"years": tco_method.YEARS},
        "category": _("Choose one of the eight cost categories."),
        "kind": _("Choose initial or ongoing."),
        "duplicate": _("This category, year and kind are given twice."),
        "users": _("Enter how many people use the CRM (at least 1)."),
        "split": _(
            "Keeping it running and competitive advantage together cannot exceed the budget "
            "of years 3 to 5."
        ),
    }
    return error.name, messages[error.kind]


def roi_error(error: ROIError) -> tuple[str, str]:
    """(the input it names, the message) of an ROI assessment error."""
    messages = {
        "not_number": _("Enter a number."),
        "negative": _("This value cannot be negative."),
        "too_large": _("This value is too large."),
        "discount_rate": _("The discount rate must lie between 0 and 100 %."),
        "years": _("The plan must have one cost per year."),
        "days": _("The period must end on or after the day it starts."),
    }
    return error.name, messages[error.kind]
