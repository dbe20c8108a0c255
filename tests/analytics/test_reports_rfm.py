"""The RFM and purchase-cycle reports (pages and API) from stored scores, within the reader's
scope; "Recompute now" and POST /api/analytics/rfm/compute/; query counts; the schema."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guanxi.analytics.models import CustomerScore, ModelRun
from guanxi.analytics.services import rfm as service

DAY = datetime.timedelta(days=1)


def score(customer, segment, r, f, m, monetary, *, due=None, cycle=30, **extra):
    at = timezone.now()
    return CustomerScore.objects.create(
        customer=customer,
        rfm_segment=segment,
        r_score=r,
        f_score=f,
        m_score=m,
        recency_days=10,
        frequency=f or 0,
        monetary=Decimal(monetary),
        rfm_at=at,
        cycle_days=cycle if due else None,
        cycle_intervals=3 if due else 0,
        next_order_due=due,
        cycle_at=at,
        **extra,
    )


@pytest.fixture
def scores(customers):
    today = timezone.localdate()
    return {
        "manager1": score(customers["manager1"], "champion", 5, 4, 5, "1000", due=today + DAY),
        "manager2": score(customers["manager2"], "lost", 1, 1, 2, "50", due=today - 5 * DAY),
        "manager3": score(customers["manager3"], "champion", 4, 4, 3, "600", due=today),
        "supervisor": score(customers["supervisor"], "no_purchase", None, None, None, "0"),
        # Due far ahead: in neither list.
        "pool": score(customers["pool"], "new", 5, 1, 1, "10", due=today + 60 * DAY),
    }


def _rows(body, key):
    return {row["key"]: row for row in body[key]}


def test_rfm_report_counts_the_stored_scores(api, scores, no_cache):
    body = api("exec").get("/api/reports/rfm/").json()
    segments = _rows(body, "segments")
    assert segments["champion"]["customers"] == 2
    assert segments["champion"]["revenue"] == "1600.00"
    assert segments["champion"]["customer_share"] == "40.00"
    assert segments["champion"]["revenue_share"] == "96.39"  # 1600 / 1660
    assert segments["champion"]["pattern"] == "R↑F↑M↑"
    assert segments["slipping"]["customers"] == 0
    assert body["summary"] == {
        "customers": 5,
        "buyers": 4,
        "revenue": "1660.00",
        "champion_share": "40.00",
    }
    cells = {(c["r_score"], c["f_score"]): c for c in body["heatmap"]}
    assert len(cells) == 25
    assert cells[(5, 4)] == {
        "r_score": 5,
        "f_score": 4,
        "customers": 1,
        "average_monetary": "1000.00",
    }
    assert cells[(3, 3)]["customers"] == 0 and cells[(3, 3)]["average_monetary"] is None
    assert body["as_of"] is not None


def test_a_manager_sees_only_their_customers_figures(api, scores, org, no_cache):
    body = api("manager1").get("/api/reports/rfm/").json()
    assert body["summary"]["customers"] == 1
    assert _rows(body, "segments")["champion"]["revenue"] == "1000.00"
    assert sum(cell["customers"] for cell in body["heatmap"]) == 1
    # An executive's owner filter gives the same figures.
    chosen = api("exec").get(f"/api/reports/rfm/?owner={org['manager1'].pk}").json()
    assert chosen["summary"] == body["summary"]
    cycle = api("manager2").get("/api/reports/purchase-cycle/").json()
    assert [row["customer"] for row in cycle["customers"]] == [scores["manager2"].pk]


def test_purchase_cycle_lists_due_and_overdue(api, scores, no_cache):
    today = timezone.localdate()
    body = api("exec").get("/api/reports/purchase-cycle/").json()
    listed = [row["customer"] for row in body["customers"]]
    # Soonest due first; the pool customer due in 60 days is not due within the 7 days.
    assert listed == [scores[k].pk for k in ("manager2", "manager3", "manager1")]
    first = body["customers"][0]
    assert first["days_overdue"] == 5 and first["cycle_days"] == 30 and first["intervals"] == 3
    assert first["next_due"] == (today - 5 * DAY).isoformat()
    assert first["last_order"] == (today - 35 * DAY).isoformat()
    assert body["summary"] == {"overdue": 1, "due_soon": 2, "notice_days": 7}
    overdue = api("exec").get("/api/reports/purchase-cycle/?due=overdue").json()
    assert [row["customer"] for row in overdue["customers"]] == [scores["manager2"].pk]
    bad = api("exec").get("/api/reports/purchase-cycle/?due=someday")
    assert bad.status_code == 400 and "due" in bad.json()["error"]["fields"]


@pytest.mark.parametrize("slug", ["rfm", "purchase-cycle"])
def test_report_api_query_count(api, scores, slug, no_cache, django_assert_max_num_queries):
    client = api("manager1")
    client.get(f"/api/reports/{slug}/")  # the session, the user's rights, loaded once
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/reports/{slug}/").status_code == 200


def test_rfm_page_shows_recompute_to_who_sees_everything(login, scores, english):
    page = login("exec").get("/reports/rfm/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="rfm-compute"' in html and "Recompute now" in html
    assert 'data-testid="report-as-of"' in html
    assert (
        'data-testid="rfm-compute"' not in login("manager1").get("/reports/rfm/").content.decode()
    )
    assert login("manager1").get("/reports/purchase-cycle/").status_code == 200


def test_recompute_now_on_the_page(login, customers, org):
    from tests.analytics.fixtures.reports import order

    order(customers["manager1"], timezone.localdate() - DAY, "100")
    response = login("exec").post("/reports/rfm/compute/")
    assert response.status_code == 302 and response.url == "/reports/rfm/"
    assert CustomerScore.objects.get(customer=customers["manager1"]).rfm_segment == "lost"
    assert login("manager1").post("/reports/rfm/compute/").status_code == 403
    assert login("exec").get("/reports/rfm/compute/").status_code == 405


def test_compute_api(api, customers, monkeypatch):
    small = api("exec").post("/api/analytics/rfm/compute/")
    assert small.status_code == 200
    body = small.json()
    assert (body["status"], body["company_wide"], body["kind"]) == ("done", True, "rfm")
    assert body["url"] == f"/api/analytics/runs/{body['id']}/"
    mine = api("manager1").post("/api/analytics/rfm/compute/").json()
    assert mine["company_wide"] is False
    monkeypatch.setattr(service, "INLINE_CUSTOMERS", 0)
    large = api("exec").post("/api/analytics/rfm/compute/")
    assert large.status_code == 202 and large["Location"] == large.json()["url"]
    assert ModelRun.objects.get(pk=large.json()["id"]).status == "running"
    assert api("assistant").post("/api/analytics/rfm/compute/").status_code == 403
    assert api().post("/api/analytics/rfm/compute/").status_code in (401, 403)


def test_schema_documents_the_endpoints(openapi_schema):
    paths = openapi_schema["paths"]
    compute = paths["/api/analytics/rfm/compute/"]["post"]
    assert {"200", "202", "403"} <= set(compute["responses"])
    names = {p["name"] for p in paths["/api/reports/purchase-cycle/"]["get"]["parameters"]}
    assert {"due", "limit", "owner", "team", "region", "level"} <= names
    assert "preset" not in names
    assert "heatmap" in openapi_schema["components"]["schemas"]["ReportRfm"]["properties"]


def test_before_the_first_computation_the_reports_say_so(api, org, no_cache, openapi_schema):
    for slug in ("rfm", "purchase-cycle"):
        body = api("exec").get(f"/api/reports/{slug}/").json()
        assert body["as_of"] is None, slug
    # The schema says so too: a client must expect null there.
    schemas = openapi_schema["components"]["schemas"]
    assert schemas["ReportPurchaseCycle"]["properties"]["as_of"]["nullable"] is True
    assert schemas["ReportRfm"]["properties"]["as_of"]["nullable"] is True
