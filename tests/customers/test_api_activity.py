"""/api/interactions/ and /api/documents/: CRUD, upload, versions, download, errors, scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.customers.models import Document, Interaction
from guanxi.customers.services.documents import document_create
from guanxi.customers.services.interactions import interaction_create
from tests.customers.fixtures.documents import HTML, PDF, pdf, upload

pytestmark = pytest.mark.usefixtures("document_store")  # every test stores files in a temp dir

EXPECTED_OWNERS = {
    "admin": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", "pool"},
    "exec": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", "pool"},
    "supervisor": {"manager1", "manager2", "supervisor"},
    "supervisor2": {"manager3", "supervisor2"},
    "manager1": {"manager1"},
    "assistant": {"manager1"},
}


@pytest.fixture
def logged(org, customers):
    made = {}
    for owner, customer in customers.items():
        made[owner] = interaction_create(
            actor=org["admin"], customer=customer, summary=owner, attachments=[pdf()]
        )
    return made


# --- interactions --------------------------------------------------------------------------


@pytest.mark.parametrize("username", sorted(EXPECTED_OWNERS))
def test_each_role_lists_and_reads_only_its_interactions(api, logged, username):
    client = api(username)
    rows = client.get("/api/interactions/", {"page_size": 50}).json()["results"]
    assert {row["summary"] for row in rows} == EXPECTED_OWNERS[username]
    documents = client.get("/api/documents/", {"page_size": 50}).json()["results"]
    assert {logged_owner(logged, d["interaction"]) for d in documents} == EXPECTED_OWNERS[username]
    for owner, interaction in logged.items():
        expected = 200 if owner in EXPECTED_OWNERS[username] else 404
        assert client.get(f"/api/interactions/{interaction.pk}/").status_code == expected


def logged_owner(logged, interaction_id):
    return next(owner for owner, i in logged.items() if i.pk == interaction_id)


def test_create_read_update_delete_an_interaction(org, customers, api):
    customer = customers["manager1"]
    client = api("manager1")
    when = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    created = client.post(
        "/api/interactions/",
        {
            "customer": customer.pk,
            "contact": customer.contacts.get().pk,
            "kind": "meeting",
            "occurred_at": when.isoformat(),
            "place": "杭州",
            "summary": "方案评审",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["created_by"] == org["manager1"].pk and body["attachments"] == []
    assert created["ETag"] == '"1"'
    customer.refresh_from_db()
    assert customer.last_follow_up_at == when

    url = f"/api/interactions/{body['id']}/"
    assert client.patch(url, {"place": "上海"}, format="json").status_code == 428
    patched = client.patch(url, {"place": "上海"}, format="json", HTTP_IF_MATCH='"1"')
    assert patched.status_code == 200 and patched.json()["place"] == "上海"
    assert patched.json()["customer"] == customer.pk
    stale = client.patch(url, {"place": "北京", "version": 1}, format="json")
    assert stale.status_code == 409

    assert client.delete(url, HTTP_IF_MATCH='"1"').status_code == 412
    assert client.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert client.get(url).status_code == 404


def test_interaction_errors_name_the_field(customers, api):
    client = api("manager1")
    customer = customers["manager1"]
    missing = client.post("/api/interactions/", {"customer": customer.pk}, format="json")
    assert missing.status_code == 400
    assert "summary" in missing.json()["error"]["fields"]
    future = client.post(
        "/api/interactions/",
        {
            "customer": customer.pk,
            "summary": "x",
            "occurred_at": (timezone.now() + timedelta(days=3)).isoformat(),
        },
        format="json",
    )
    assert future.status_code == 400 and "occurred_at" in future.json()["error"]["fields"]
    foreign = client.post(
        "/api/interactions/",
        {
            "customer": customer.pk,
            "summary": "x",
            "contact": customers["manager2"].contacts.get().pk,
        },
        format="json",
    )
    assert foreign.status_code == 400 and "contact" in foreign.json()["error"]["fields"]
    hidden = client.post(
        "/api/interactions/", {"customer": customers["manager2"].pk, "summary": "x"}, format="json"
    )
    assert hidden.status_code == 400 and "customer" in hidden.json()["error"]["fields"]
    assert (
        api("exec")
        .post("/api/interactions/", {"customer": customer.pk, "summary": "x"}, format="json")
        .status_code
        == 403
    )
    assert not Interaction.objects.exists()


def test_interaction_filters(org, customers, api):
    actor = org["manager1"]
    customer = customers["manager1"]
    now = timezone.now()
    interaction_create(
        actor=actor,
        customer=customer,
        summary="老",
        kind="call",
        occurred_at=now - timedelta(days=30),
    )
    interaction_create(
        actor=actor,
        customer=customer,
        summary="新",
        kind="visit",
        occurred_at=now - timedelta(days=1),
    )
    client = api("manager1")

    def summaries(params):
        response = client.get("/api/interactions/", params)
        assert response.status_code == 200, response.json()
        return [row["summary"] for row in response.json()["results"]]

    assert summaries({}) == ["新", "老"]
    assert summaries({"kind": "call"}) == ["老"]
    assert summaries({"customer": customer.pk}) == ["新", "老"]
    assert summaries({"occurred_after": (now - timedelta(days=7)).isoformat()}) == ["新"]
    assert summaries({"occurred_before": (now - timedelta(days=7)).isoformat()}) == ["老"]
    assert summaries({"ordering": "occurred_at"}) == ["老", "新"]
    bad = client.get("/api/interactions/", {"kind": "dance"})
    assert bad.status_code == 400 and "kind" in bad.json()["error"]["fields"]


def test_interaction_list_queries_are_constant(org, customers, api, django_assert_max_num_queries):
    for index in range(20):
        interaction_create(
            actor=org["manager1"],
            customer=customers["manager1"],
            summary=str(index),
            attachments=[pdf()],
        )
    with django_assert_max_num_queries(11):  # 10, and the planner's estimate on PostgreSQL
        response = api("supervisor").get("/api/interactions/", {"page_size": 50})
    assert response.json()["count"] == 20
    assert all(len(row["attachments"]) == 1 for row in response.json()["results"])


# --- documents -------------------------------------------------------------------------------


def test_upload_list_update_and_delete_a_document(org, customers, api):
    customer = customers["manager1"]
    client = api("manager1")
    created = client.post(
        "/api/documents/",
        {"customer": customer.pk, "file": pdf("合同.pdf"), "category": "contract"},
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["title"] == "合同.pdf" and body["interaction"] is None
    assert [v["number"] for v in body["versions"]] == [1]
    assert body["versions"][0]["size"] == len(PDF)

    url = f"/api/documents/{body['id']}/"
    updated = client.patch(url, {"title": "框架合同", "version": 1}, format="json")
    assert updated.status_code == 200 and updated.json()["title"] == "框架合同"
    listed = client.get("/api/documents/", {"customer": customer.pk, "category": "contract"})
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert client.delete(url).status_code == 204
    assert not Document.objects.exists()


def test_refused_upload_is_400_naming_file(customers, api):
    client = api("manager1")
    for name, content in [("报价.pdf", HTML), ("page.html", b"hi"), ("empty.pdf", b"")]:
        response = client.post(
            "/api/documents/",
            {"customer": customers["manager1"].pk, "file": upload(name, content)},
            format="multipart",
        )
        assert response.status_code == 400, name
        assert "file" in response.json()["error"]["fields"], name
    missing = client.post(
        "/api/documents/", {"customer": customers["manager1"].pk}, format="multipart"
    )
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]
    assert not Document.objects.exists()


def test_attachment_via_api_must_match_the_customer(org, customers, api, logged):
    client = api("admin")
    ok = client.post(
        "/api/documents/",
        {"customer": customers["manager1"].pk, "interaction": logged["manager1"].pk, "file": pdf()},
        format="multipart",
    )
    assert ok.status_code == 201
    wrong = client.post(
        "/api/documents/",
        {"customer": customers["manager2"].pk, "interaction": logged["manager1"].pk, "file": pdf()},
        format="multipart",
    )
    assert wrong.status_code == 400 and "interaction" in wrong.json()["error"]["fields"]
    detail = client.get(f"/api/interactions/{logged['manager1'].pk}/").json()
    assert len(detail["attachments"]) == 2


def test_versions_upload_list_and_download(org, customers, api):
    document = document_create(actor=org["manager1"], customer=customers["manager1"], file=pdf())
    client = api("manager1")
    url = f"/api/documents/{document.pk}/versions/"
    added = client.post(url, {"file": pdf("第二版.pdf", PDF + b"%2\n")}, format="multipart")
    assert added.status_code == 201, added.json()
    assert added.json()["number"] == 2
    stale = client.post(url, {"file": pdf()}, format="multipart", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    refused = client.post(url, {"file": upload("x.pdf", HTML)}, format="multipart")
    assert refused.status_code == 400 and "file" in refused.json()["error"]["fields"]
    versions = client.get(url).json()
    assert [v["number"] for v in versions] == [2, 1]

    download = client.get(versions[0]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF + b"%2\n"
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"
    assert download["Content-Disposition"].startswith("attachment;")
    binary = client.get(versions[1]["download_url"], HTTP_ACCEPT="application/octet-stream")
    assert binary.status_code == 200


def test_versions_and_downloads_are_scoped(org, customers, api):
    document = document_create(actor=org["manager2"], customer=customers["manager2"], file=pdf())
    version = document.versions.get()
    other = document_create(actor=org["manager1"], customer=customers["manager1"], file=pdf())
    client = api("manager1")
    base = f"/api/documents/{document.pk}/versions/"
    assert client.get(base).status_code == 404
    assert client.post(base, {"file": pdf()}, format="multipart").status_code == 404
    assert client.get(f"{base}{version.pk}/download/").status_code == 404
    # A visible document with another document's version id is not found either.
    assert (
        client.get(f"/api/documents/{other.pk}/versions/{version.pk}/download/").status_code == 404
    )
    assert client.get(f"/api/documents/{other.pk}/versions/abc/download/").status_code == 404
    assert (
        api("exec")
        .post(f"/api/documents/{other.pk}/versions/", {"file": pdf()}, format="multipart")
        .status_code
        == 403
    )
    assert (
        api("assistant")
        .post(f"/api/documents/{other.pk}/versions/", {"file": pdf()}, format="multipart")
        .status_code
        == 201
    )


def test_document_list_queries_are_constant(org, customers, api, django_assert_max_num_queries):
    for _index in range(20):
        document_create(actor=org["manager1"], customer=customers["manager1"], file=pdf())
    with django_assert_max_num_queries(10):
        response = api("supervisor").get("/api/documents/", {"page_size": 50})
    assert response.json()["count"] == 20


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        ("2026-07-19T18:14:14-22:20", "offset"),  # beyond any time zone (PostgreSQL refuses)
        ("4278-07-19T18:14:14Z", "1900"),
    ],
)
def test_a_time_no_database_can_compare_is_refused_naming_the_filter(
    api, org, english, moment, words
):
    response = api("manager1").get("/api/interactions/", {"occurred_after": moment})
    assert response.status_code == 400, response.content
    assert words in response.json()["error"]["fields"]["occurred_after"][0]


def test_a_real_offset_filters_as_usual(api, org):
    response = api("manager1").get(
        "/api/interactions/", {"occurred_after": "2026-01-01T00:00:00+08:00"}
    )
    assert response.status_code == 200
