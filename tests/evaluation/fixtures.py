"""Shared set-up of the TCO and ROI tests: the hand-computed plan of test_methods_tco, stored."""

from decimal import Decimal as D

from guanxi.evaluation.services.tco import tco_plan_create


def plan_costs() -> list[dict]:
    """The 50-user plan of test_methods_tco (total 672,000; years 366,000 / 83,000 / 81,000 /
    71,000 / 71,000) as the API and the services take it."""
    costs = [
        ("licence", 1, "initial", "200000"),
        ("hardware", 1, "initial", "50000"),
        ("vendor_services", 1, "initial", "80000"),
        ("internal_staff", 1, "initial", "30000"),
        ("external_services", 3, "ongoing", "10000"),
        ("other", 2, "initial", "12000"),
    ]
    costs += [("maintenance", year, "ongoing", "40000") for year in (2, 3, 4, 5)]
    costs += [("internal_staff", year, "ongoing", "25000") for year in (2, 3, 4, 5)]
    costs += [("telecom", year, "ongoing", "6000") for year in (1, 2, 3, 4, 5)]
    return [{"category": c, "year": y, "kind": k, "amount": D(a)} for c, y, k, a in costs]


def make_plan(actor, name="CRM 2027", **extra):
    values = {
        "users": 50,
        "costs": plan_costs(),
        "keep_running": D("40000"),
        "competitive_advantage": D("50000"),
        **extra,
    }
    return tco_plan_create(actor=actor, name=name, **values)
