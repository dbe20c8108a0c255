"""GET /api/audit/access/: the access log for administrators, filtered like the page."""

import pytest

from guanxi.core.models import AccessLogEntry
from tests.core.fixtures.access_log import log_entry
from tests.customers.fixtures.customers import CustomerFactory

URL = "/api/audit/access/"


@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1", "assistant"])
def test_only_administrators_read_the_access_log(api, org, username):
    log_entry(org["manager1"])
    assert api(username).get(URL).status_code == 403


def test_anonymous_callers_are_refused(api):
    assert api().get(URL).status_code in {401, 403}


def test_list_filters_and_words_entries(api, org):
    customer = CustomerFactory()
    exported = log_entry(
        org["manager1"],
        details={"model": "customers.customer", "format": "xlsx", "row_count": 2, "filters": {}},
    )
    downloaded = log_entry(
        org["manager2"],
        AccessLogEntry.Kind.DOWNLOADED_DOCUMENT,
        target=customer,
        details={"file_name": "a.pdf", "version": 1},
    )
    client = api("admin", language="en")
    rows = client.get(URL).json()["results"]
    assert [row["id"] for row in rows] == [downloaded.pk, exported.pk]
    assert rows[0]["target_type"] == "customers.customer"
    assert rows[0]["target_id"] == customer.pk
    assert rows[0]["user"] == org["manager2"].pk
    assert rows[1]["details"]["row_count"] == 2
    assert rows[1]["summary"] == "2 rows of customers as xlsx; no filters"

    def ids(**params):
        return [row["id"] for row in client.get(URL, params).json()["results"]]

    assert ids(user=org["manager1"].pk) == [exported.pk]
    assert ids(kind="downloaded_document") == [downloaded.pk]
    assert ids(target_type="customers.customer", target_id=customer.pk) == [downloaded.pk]
    assert client.get(f"{URL}{exported.pk}/").json()["id"] == exported.pk


def test_bad_filter_is_a_400_naming_it(api, org):
    response = api("admin", language="en").get(URL, {"kind": "peeked", "since": "yesterday"})
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"kind", "since"}


def test_the_log_is_read_only(api, org):
    entry = log_entry(org["manager1"])
    client = api("admin")
    # No one holds a right to write it, so even administrators are refused before the method.
    assert client.post(URL, {}, format="json").status_code in {403, 405}
    assert client.delete(f"{URL}{entry.pk}/").status_code in {403, 405}
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_list_queries_do_not_grow(api, org, django_assert_max_num_queries):
    client = api("admin")
    log_entry(org["manager1"], target=CustomerFactory())
    client.get(URL)
    for number in range(20):
        log_entry(org["manager2" if number % 2 else "manager1"], target=CustomerFactory())
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 21
