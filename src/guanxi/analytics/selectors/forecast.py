"""Reading the sales forecast: the series of the newest company run that a reader may see.

The nightly job (``services.forecast``) stores every series in the company's run; a reader
gets only the keys of their scope: whoever sees everything any series; a supervisor their
team subtree's teams; anyone else their own sales (``owner:<id>``).
"""

from typing import Any

from guanxi.accounts.models import Team, User
from guanxi.analytics.models import ModelRun
from guanxi.analytics.selectors.runs import company_run_latest
from guanxi.core.rules import leads_own_team, sees_everything
from guanxi.core.scoping import visible_user_ids


def forecast_run() -> ModelRun | None:
    """The newest successful forecast of the company's job (one query)."""
    return company_run_latest(kind=ModelRun.Kind.FORECAST)


def scope_key(actor: User) -> str:
    """The series that is "everything" for ``actor``: the company, their team or their own."""
    if sees_everything(actor):
        return "all"
    if leads_own_team(actor):
        return f"team:{actor.team_id}"
    return f"owner:{actor.pk}"


def may_read(actor: User, key: str) -> bool:
    if sees_everything(actor):
        return True
    if key == scope_key(actor):
        return True
    if key.startswith("team:") and leads_own_team(actor) and actor.team is not None:
        team_id = int(key.split(":", 1)[1])
        return Team.objects.filter(pk=team_id, path__startswith=actor.team.path).exists()
    if key.startswith("owner:"):
        owner_id = int(key.split(":", 1)[1])
        return owner_id in visible_user_ids(actor)
    return False


def forecast_get(
    *, actor: User, key: str | None = None, run: ModelRun | None = None
) -> tuple[ModelRun | None, dict[str, Any] | None]:
    """(the run, the series ``key`` — default the actor's scope) or None where there is none
    or the actor may not read it."""
    run = run if run is not None else forecast_run()
    key = key or scope_key(actor)
    if run is None or not may_read(actor, key):
        return run, None
    return run, run.result.get("series", {}).get(key)


STATISTICAL_MONTHS = 6


def statistical_forecast(*, actor: User, owner: User | None = None) -> dict[str, Any]:
    """The statistical forecast beside the weighted pipeline: the coming months of the chosen
    owner's series (their own sales) or of the reader's scope, and when it was computed."""
    key = f"owner:{owner.pk}" if owner is not None else None
    run, series = forecast_get(actor=actor, key=key)
    months = []
    if series is not None and not series["refused"]:
        months = series["forecast"][:STATISTICAL_MONTHS]
    return {
        "run": run,
        "series": series,
        "months": months,
        "computed_at": (run.finished_at or run.started_at) if run is not None else None,
        "model": series["model"]["spec"] if months and series is not None else "",
        "mape": series["backtest"]["mape"] if months and series is not None else None,
    }
