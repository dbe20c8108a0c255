"""The customer-intelligence settings page (administrators) and the customer list's filters on
the stored RFM segment and re-order due date (page and API)."""

import datetime

from django.utils import timezone

from guanxi.analytics.models import CustomerScore, IntelligenceSettings
from guanxi.analytics.services.intelligence_settings import SETTINGS_FIELDS

URL = "/settings/intelligence/"


def _values(**changed):
    row = IntelligenceSettings.current()
    values = {name: getattr(row, name) for name in SETTINGS_FIELDS}
    values.update(version=row.version, **changed)
    return values


def test_administrators_edit_every_setting(login, org, english):
    client = login("admin")
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    for name in SETTINGS_FIELDS:
        assert f'name="{name}"' in html
    response = client.post(URL, _values(rfm_window_days=180, reorder_notice_days=14))
    assert response.status_code == 302 and response.url == URL
    row = IntelligenceSettings.current()
    assert (row.rfm_window_days, row.reorder_notice_days, row.updated_by) == (180, 14, org["admin"])


def test_out_of_range_values_are_refused_naming_the_field(login, english):
    client = login("admin")
    response = client.post(URL, _values(rfm_window_days=5, association_min_confidence="1.5"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"rfm_window_days", "association_min_confidence"}
    assert IntelligenceSettings.current().rfm_window_days == 365


def test_a_stale_form_is_a_conflict(login):
    client = login("admin")
    stale = _values()
    assert client.post(URL, _values(rfm_window_days=200)).status_code == 302
    assert client.post(URL, {**stale, "rfm_window_days": 100}).status_code == 409
    assert IntelligenceSettings.current().rfm_window_days == 200


def test_only_administrators(login):
    assert login("exec").get(URL).status_code == 403
    assert login("manager1").post(URL, _values()).status_code == 403


def test_customer_list_filters_on_segment_and_reorder(login, api, customers, org):
    today = timezone.localdate()
    CustomerScore.objects.create(
        customer=customers["manager1"], rfm_segment="champion", next_order_due=today
    )
    CustomerScore.objects.create(
        customer=customers["supervisor"],
        rfm_segment="lost",
        next_order_due=today - datetime.timedelta(days=3),
    )
    page = login("exec").get("/customers/", {"rfm_segment": "champion"})
    assert [c.pk for c in page.context["page"].object_list] == [customers["manager1"].pk]
    overdue = login("exec").get("/customers/", {"reorder": "overdue"})
    assert [c.pk for c in overdue.context["page"].object_list] == [customers["supervisor"].pk]
    body = api("exec").get("/api/customers/", {"rfm_segment": "lost"}).json()
    assert [row["id"] for row in body["results"]] == [customers["supervisor"].pk]
    body = api("exec").get("/api/customers/", {"reorder": "due_or_overdue"}).json()
    assert {row["id"] for row in body["results"]} == {
        customers["manager1"].pk,
        customers["supervisor"].pk,
    }
    assert api("exec").get("/api/customers/", {"reorder": "due"}).json()["count"] == 1
    # Scoped as ever: manager1 does not see the supervisor's customer.
    assert api("manager1").get("/api/customers/", {"rfm_segment": "lost"}).json()["count"] == 0
    bad = api("exec").get("/api/customers/", {"rfm_segment": "vip"})
    assert bad.status_code == 400 and "rfm_segment" in bad.json()["error"]["fields"]
