"""Reading model runs: a user sees their own runs, and the company's runs (scheduled, or by
someone who sees everything, on every customer) when they too see everything."""

from django.db.models import Q, QuerySet

from guanxi.accounts.models import User
from guanxi.analytics.models import ModelRun
from guanxi.analytics.rules import reads_company_figures


def run_list(*, actor: User, kind: str | None = None) -> QuerySet[ModelRun]:
    """Runs (of one model, or of all) ``actor`` may read, newest first."""
    runs = ModelRun.objects.select_related("actor")
    if kind is not None:
        runs = runs.filter(kind=kind)
    visible = Q(actor=actor)
    if reads_company_figures(actor):
        visible |= Q(company_wide=True)
    return runs.filter(visible).order_by("-started_at", "-id")


def run_get(*, actor: User, pk: int) -> ModelRun:
    """One run ``actor`` may read (``ModelRun.DoesNotExist`` otherwise)."""
    return run_list(actor=actor).get(pk=pk)


def run_latest(*, actor: User, kind: str, finished: bool = True) -> ModelRun | None:
    """The newest run ``actor`` may read (only successful ones when ``finished``)."""
    runs = run_list(actor=actor, kind=kind)
    if finished:
        runs = runs.filter(status=ModelRun.Status.DONE)
    return runs.first()


def company_run_latest(*, kind: str) -> ModelRun | None:
    """The company's newest successful run (what the stored scores come from)."""
    return (
        ModelRun.objects.filter(kind=kind, status=ModelRun.Status.DONE, company_wide=True)
        .order_by("-started_at", "-id")
        .first()
    )
