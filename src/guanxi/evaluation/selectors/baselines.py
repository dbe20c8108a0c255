"""Every read of KPI baselines, and the comparison of one with the KPIs now.

Baselines are company figures: a reader needs the reports' right and to see the company's
figures (``rules.reads_baselines``); anyone else gets none (the pages and the API answer 403
before, and 404 for a single baseline). The "now" values are the KPI dashboard's
(``analytics.kpis.dashboard``) for the reader, who sees every record: company-wide, like the
baseline. Every KPI the dashboard computes today is compared, so a KPI added after the
baseline was taken appears with no baseline value.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone, translation

from guanxi.accounts.models import User
from guanxi.analytics import kpis, periods
from guanxi.evaluation import rules
from guanxi.evaluation.models import Baseline, BaselineTarget, BaselineValue
from guanxi.evaluation.models.baselines import TargetDirection


def baseline_list(*, actor: User) -> QuerySet[Baseline]:
    """The live baselines (none without the right), each with its ``target_count``, newest
    first."""
    if not rules.reads_baselines(actor):
        return Baseline.objects.none()
    return (
        Baseline.objects.select_related("taken_by")
        .annotate(target_count=Count("targets"))
        .order_by("-taken_at", "-id")
    )


def baseline_get(*, actor: User, pk: int | str) -> Baseline:
    """One live baseline with its values and targets prefetched (``DoesNotExist`` when not
    readable)."""
    if not rules.reads_baselines(actor):
        raise Baseline.DoesNotExist
    baseline: Baseline = (
        Baseline.objects.select_related("taken_by", "created_by", "updated_by")
        .prefetch_related("values", "targets")
        .get(pk=pk)
    )
    return baseline


def now_period(
    baseline: Baseline, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The period as long as the baseline's, ending today."""
    today = today or timezone.localdate()
    days = (baseline.period_end - baseline.period_start).days
    return today - datetime.timedelta(days=days), today


def value_label(value: BaselineValue) -> str:
    """The KPI's label as frozen, in the reader's language."""
    language = translation.get_language() or ""
    return value.label_zh if language.lower().startswith("zh") else value.label_en


def target_met(target: BaselineTarget | None, value: Decimal | None) -> bool | None:
    """Whether ``value`` reaches the target (None without a target or a value)."""
    if target is None or value is None:
        return None
    if target.direction == TargetDirection.AT_MOST:
        return value <= target.target
    return value >= target.target


def _tone(change: Decimal | None, higher_is_better: bool | None) -> str:
    if change is None or not change or higher_is_better is None:
        return "neutral"
    return "good" if (change > 0) == higher_is_better else "bad"


@dataclass
class ComparisonRow:
    """One KPI then and now."""

    key: str
    label: str
    unit: str
    higher_is_better: bool | None
    baseline: Decimal | None
    current: Decimal | None
    change: Decimal | None
    change_percent: Decimal | None
    tone: str
    target: BaselineTarget | None
    met: bool | None
    definition: str = ""


@dataclass
class Comparison:
    """A baseline against the KPIs of the "now" period."""

    baseline: Baseline
    now_start: datetime.date
    now_end: datetime.date
    rows: list[ComparisonRow] = field(default_factory=list)

    @property
    def met_count(self) -> int:
        return sum(1 for row in self.rows if row.met is True)

    @property
    def target_count(self) -> int:
        return sum(1 for row in self.rows if row.met is not None)


def _stored(value: Decimal | None) -> Decimal | None:
    """A frozen value as the dashboard gave it (the column keeps 4 places; KPIs have 2)."""
    return None if value is None else value.quantize(periods.CENT)


def baseline_comparison(
    *,
    actor: User,
    baseline: Baseline,
    now_start: datetime.date | None = None,
    now_end: datetime.date | None = None,
) -> Comparison:
    """Each KPI's baseline value, its value for the "now" period (by default as long as the
    baseline's, ending today), the change (absolute and in % of the baseline value), whether
    it is good news (the KPI's definition says whether up is good), its target and whether the
    value now meets it. Reads the baseline's prefetched values and targets and the dashboard's
    fixed number of queries."""
    if now_start is None or now_end is None:
        now_start, now_end = now_period(baseline)
    data = kpis.dashboard(actor=actor, date_from=now_start, date_to=now_end)
    current = {row["key"]: row for row in data["kpis"]}
    targets = {target.key: target for target in baseline.targets.all()}
    frozen = {value.key: value for value in baseline.values.all()}
    keys = list(frozen) + [key for key in current if key not in frozen]
    rows = []
    for key in keys:
        stored, now = frozen.get(key), current.get(key)
        before = _stored(stored.value) if stored else None
        value = now["value"] if now else None
        change = None if before is None or value is None else value - before
        percent = periods.change(value, before) if change is not None else None
        higher = now["higher_is_better"] if now else stored.higher_is_better  # type: ignore[union-attr]
        target = targets.get(key)
        rows.append(
            ComparisonRow(
                key=key,
                label=value_label(stored) if stored else now["label"],  # type: ignore[index]
                unit=now["unit"] if now else stored.unit,  # type: ignore[union-attr]
                higher_is_better=higher,
                baseline=before,
                current=value,
                change=change,
                change_percent=percent,
                tone=_tone(change, higher),
                target=target,
                met=target_met(target, value),
                definition=now["definition"] if now else "",
            )
        )
    return Comparison(baseline=baseline, now_start=now_start, now_end=now_end, rows=rows)
