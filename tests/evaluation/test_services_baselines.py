"""KPI baselines: the snapshot freezes the dashboard's values, the comparison computes the
change by hand-checked figures, targets are met or not in both directions, bad input is
refused naming the field with nothing written, and only administrators and executives write."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.analytics.kpis import dashboard
from guanxi.evaluation.models import Baseline, BaselineTarget, BaselineValue
from guanxi.evaluation.selectors.baselines import baseline_comparison, baseline_get, now_period
from guanxi.evaluation.services.baselines import (
    baseline_delete,
    baseline_take,
    baseline_target_clear,
    baseline_targets_set,
    default_period,
)
from tests.analytics.fixtures.reports import order
from tests.evaluation.baseline_data import MARCH, NOVEMBER, D, later_data, march_data


def take(user, name="上线前 Before go-live", period=MARCH, **extra):
    return baseline_take(
        actor=user, name=name, period_start=period[0], period_end=period[1], **extra
    )


def test_a_baseline_freezes_every_kpi_of_the_dashboard(org, english):
    customers = march_data(org)
    baseline = take(org["exec"], note="go-live 2026-04-01")
    values = {v.key: v for v in BaselineValue.objects.filter(baseline=baseline)}
    assert values["sales_total"].value == Decimal("600.00")
    assert values["average_order_size"].value == Decimal("200.00")
    assert values["purchase_frequency"].value == Decimal("0.75")
    assert values["complaint_rate"].value == Decimal("25.00")
    assert values["close_rate"].value is None  # nothing closed: 0 ÷ 0
    assert values["sales_total"].label_en == "Sales total"
    assert values["sales_total"].label_zh != "Sales total"  # the Chinese label, frozen too
    assert values["complaint_rate"].unit == "percent"
    assert values["complaint_rate"].higher_is_better is False
    # Every KPI the dashboard computes, in its order (new KPIs come along by themselves).
    shown = dashboard(actor=org["exec"], date_from=MARCH[0], date_to=MARCH[1])["kpis"]
    assert [v.key for v in BaselineValue.objects.filter(baseline=baseline)] == [
        row["key"] for row in shown
    ]
    assert baseline.taken_by == org["exec"] and baseline.scope == "company"
    assert (baseline.period_start, baseline.period_end) == MARCH
    # Later records of the same period do not change the frozen values.
    order(customers[3], D(2026, 3, 20), "1000.00")
    fresh = baseline_get(actor=org["admin"], pk=baseline.pk)
    frozen = {v.key: v.value for v in fresh.values.all()}
    assert frozen["sales_total"] == Decimal("600.00")


def test_the_comparison_computes_the_change_by_hand(org, english):
    customers = march_data(org)
    baseline = take(org["admin"])
    later_data(org, customers)
    comparison = baseline_comparison(
        actor=org["exec"],
        baseline=baseline_get(actor=org["exec"], pk=baseline.pk),
        now_start=NOVEMBER[0],
        now_end=NOVEMBER[1],
    )
    rows = {row.key: row for row in comparison.rows}
    sales = rows["sales_total"]
    assert (sales.baseline, sales.current) == (Decimal("600.00"), Decimal("900.00"))
    assert sales.change == Decimal("300.00") and sales.change_percent == Decimal("50.00")
    assert sales.tone == "good"
    size = rows["average_order_size"]
    assert (size.baseline, size.current, size.change) == (
        Decimal("200.00"),
        Decimal("450.00"),
        Decimal("250.00"),
    )
    assert size.change_percent == Decimal("125.00")
    frequency = rows["purchase_frequency"]
    assert (frequency.baseline, frequency.current) == (Decimal("0.75"), Decimal("0.40"))
    assert frequency.change == Decimal("-0.35")
    assert frequency.change_percent == Decimal("-46.67")  # −0.35 ÷ 0.75
    assert frequency.tone == "bad"  # up is good, it went down
    complaints = rows["complaint_rate"]
    assert (complaints.baseline, complaints.current) == (Decimal("25.00"), Decimal("0.00"))
    assert complaints.change_percent == Decimal("-100.00")
    assert complaints.tone == "good"  # down is good for complaints
    assert rows["close_rate"].change is None and rows["close_rate"].change_percent is None
    assert all(row.met is None for row in comparison.rows)  # no targets yet


def test_targets_met_and_not_met_in_both_directions(org, english):
    customers = march_data(org)
    baseline = take(org["exec"])
    later_data(org, customers)
    baseline_targets_set(
        actor=org["exec"],
        baseline=baseline,
        targets=[
            {"key": "sales_total", "target": "800", "direction": "at_least", "note": "+33 %"},
            {"key": "average_order_size", "target": "500", "direction": "at_least"},
            {"key": "complaint_rate", "target": "10", "direction": "at_most"},
            {"key": "purchase_frequency", "target": "0.3", "direction": "at_most"},
            {"key": "close_rate", "target": "50"},  # no value now: neither met nor not
        ],
    )
    fresh = baseline_get(actor=org["exec"], pk=baseline.pk)
    rows = {
        row.key: row
        for row in baseline_comparison(
            actor=org["exec"], baseline=fresh, now_start=NOVEMBER[0], now_end=NOVEMBER[1]
        ).rows
    }
    assert rows["sales_total"].met is True  # 900 ≥ 800
    assert rows["sales_total"].target.note == "+33 %"
    assert rows["average_order_size"].met is False  # 450 < 500
    assert rows["complaint_rate"].met is True  # 0 ≤ 10
    assert rows["purchase_frequency"].met is False  # 0.40 > 0.3
    assert rows["close_rate"].met is None
    assert rows["close_rate"].target.direction == "at_least"  # the default
    # A value exactly at the target meets it either way.
    baseline_targets_set(
        actor=org["admin"],
        baseline=fresh,
        targets=[
            {"key": "sales_total", "target": "900", "direction": "at_most"},
            {"key": "average_order_size", "target": "450.00", "direction": "at_least"},
        ],
    )
    fresh = baseline_get(actor=org["exec"], pk=baseline.pk)
    rows = {
        row.key: row
        for row in baseline_comparison(
            actor=org["exec"], baseline=fresh, now_start=NOVEMBER[0], now_end=NOVEMBER[1]
        ).rows
    }
    assert rows["sales_total"].met is True and rows["average_order_size"].met is True
    assert rows["complaint_rate"].target is None  # replaced: the others are gone
    assert fresh.version == 3
    baseline_target_clear(actor=org["exec"], baseline=fresh, key="sales_total")
    assert list(BaselineTarget.objects.filter(baseline=baseline).values_list("key", flat=True)) == [
        "average_order_size"
    ]


def test_the_default_now_period_is_as_long_as_the_baseline_ending_today(org):
    baseline = Baseline(period_start=D(2026, 3, 1), period_end=D(2026, 3, 31))
    assert now_period(baseline, today=D(2026, 12, 8)) == (D(2026, 11, 8), D(2026, 12, 8))
    assert default_period(D(2026, 12, 8)) == (D(2026, 11, 1), D(2026, 11, 30))
    assert default_period(D(2026, 1, 15)) == (D(2025, 12, 1), D(2025, 12, 31))


def test_without_dates_the_previous_full_month_is_frozen(org, english):
    baseline = baseline_take(actor=org["exec"], name="last month")
    assert (baseline.period_start, baseline.period_end) == default_period()


@pytest.mark.parametrize(
    ("name", "period", "field", "words"),
    [
        ("", MARCH, "name", "name"),
        ("x", (D(2026, 3, 31), D(2026, 3, 1)), "period_end", "on or after"),
        ("x", (D(2026, 3, 1), None), "period_end", "last day"),
        ("x", (None, D(2026, 3, 1)), "period_start", "first day"),
        ("x", (D(1, 1, 1), D(2026, 3, 1)), "period_start", "between 1900 and 2100"),
    ],
)
def test_bad_periods_are_refused_naming_the_field(org, english, name, period, field, words):
    with pytest.raises(ValidationError) as refused:
        take(org["exec"], name=name, period=period)
    assert field in refused.value.message_dict
    assert words in " ".join(refused.value.message_dict[field])
    assert not Baseline.all_objects.exists() and not BaselineValue.objects.exists()


def test_a_period_ending_in_the_future_is_refused(org, english):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        take(org["admin"], period=(D(2026, 1, 1), tomorrow))
    assert "in the future" in refused.value.message_dict["period_end"][0]
    assert not Baseline.all_objects.exists()


@pytest.mark.parametrize(
    ("targets", "field", "words"),
    [
        ([{"key": "no_such_kpi", "target": "1"}], "targets[0].key", "no such KPI"),
        (
            [{"key": "sales_total", "target": "1"}, {"key": "sales_total", "target": "2"}],
            "targets[1].key",
            "already",
        ),
        ([{"key": "sales_total", "target": "abc"}], "targets[0].target", "number"),
        ([{"key": "sales_total", "target": ""}], "targets[0].target", "number"),
        ([{"key": "sales_total", "target": "NaN"}], "targets[0].target", "number"),
        (
            [{"key": "sales_total", "target": "1", "direction": "around"}],
            "targets[0].direction",
            "at least or at most",
        ),
    ],
)
def test_bad_targets_are_refused_and_the_old_ones_stay(org, english, targets, field, words):
    baseline = take(org["exec"])
    baseline = baseline_targets_set(
        actor=org["exec"], baseline=baseline, targets=[{"key": "churn_rate", "target": "5"}]
    )
    with pytest.raises(ValidationError) as refused:
        baseline_targets_set(
            actor=org["exec"],
            baseline=baseline,
            targets=[{"key": "churn_rate", "target": "9", "direction": "at_most"}, *targets],
        )
    key, index = field.split("[", 1)[1].split("]")[0], field
    shifted = index.replace(f"[{key}]", f"[{int(key) + 1}]")  # behind the churn target
    assert words in " ".join(refused.value.message_dict[shifted])
    kept = BaselineTarget.objects.get(baseline=baseline)
    assert (kept.key, kept.target, kept.direction) == ("churn_rate", Decimal("5"), "at_least")


@pytest.mark.parametrize("username", ["supervisor", "manager1", "assistant"])
def test_only_administrators_and_executives_write(org, english, username):
    baseline = take(org["admin"])
    with pytest.raises(PermissionDenied):
        take(org[username])
    with pytest.raises(PermissionDenied):
        baseline_targets_set(actor=org[username], baseline=baseline, targets=[])
    with pytest.raises(PermissionDenied):
        baseline_delete(actor=org[username], baseline=baseline)
    with pytest.raises(Baseline.DoesNotExist):
        baseline_get(actor=org[username], pk=baseline.pk)
    baseline_delete(actor=org["exec"], baseline=baseline)
    assert not Baseline.objects.exists() and Baseline.all_objects.get().deleted_by == org["exec"]
