"""Interaction and document pages: logging with attachments, scope, safe download."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.customers.models import Document, Interaction
from guanxi.customers.services.documents import document_add_version, document_create
from guanxi.customers.services.interactions import interaction_create
from tests.customers.fixtures.documents import HTML, PDF, PNG, pdf, upload

pytestmark = pytest.mark.usefixtures("document_store")  # every test stores files in a temp dir

# Whose customers each role sees (tests/conftest.py makes one per owner plus one in the pool).
VISIBLE = {
    "admin": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", "pool"},
    "exec": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", "pool"},
    "supervisor": {"manager1", "manager2", "supervisor"},
    "manager1": {"manager1"},
    "manager2": {"manager2"},
    "assistant": {"manager1"},
}


@pytest.fixture
def logged(org, customers):
    """One interaction with an attachment per customer of the fixture."""
    made = {}
    for owner, customer in customers.items():
        interaction = interaction_create(
            actor=org["admin"],
            customer=customer,
            summary=f"拜访{owner}",
            attachments=[pdf(f"{owner}.pdf")],
        )
        made[owner] = interaction
    return made


def _when(days_ago: int) -> str:
    return (timezone.localtime() - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M")


def test_log_an_interaction_with_several_attachments(org, customers, login):
    customer = customers["manager1"]
    client = login("manager1")
    url = reverse("customers:interaction_create", args=[customer.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "kind": "visit",
            "occurred_at": _when(1),
            "contact": customer.contacts.get().pk,
            "place": "客户公司会议室",
            "summary": "季度回访",
            "details": "讨论续约",
            "attachments": [pdf("会议纪要.pdf"), upload("白板.png", PNG)],
        },
    )

    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:interaction_detail", args=[interaction.pk])
    assert interaction.created_by == org["manager1"]
    assert sorted(d.title for d in interaction.attachments.all()) == ["会议纪要.pdf", "白板.png"]
    customer.refresh_from_db()
    assert customer.last_follow_up_at == interaction.occurred_at
    page = client.get(response["Location"]).content.decode()
    assert "季度回访" in page and "会议纪要.pdf" in page


def test_a_renamed_html_attachment_is_refused_on_the_form(customers, login):
    customer = customers["manager1"]
    response = login("manager1").post(
        reverse("customers:interaction_create", args=[customer.pk]),
        {
            "kind": "visit",
            "occurred_at": _when(0),
            "summary": "拜访",
            "attachments": [upload("报价.pdf", HTML)],
        },
    )
    assert response.status_code == 200
    assert "报价.pdf" in response.context["form"].errors["attachments"][0]
    assert not Interaction.objects.exists()


def test_interaction_edit_and_stale_edit(org, customers, login, logged):
    interaction = logged["manager1"]
    client = login("manager1")
    url = reverse("customers:interaction_edit", args=[interaction.pk])
    assert client.get(url).status_code == 200
    data = {
        "kind": "call",
        "occurred_at": _when(0),
        "summary": "改成电话",
        "version": interaction.version,
    }
    assert client.post(url, data).status_code == 302
    interaction.refresh_from_db()
    assert (interaction.kind, interaction.summary, interaction.version) == ("call", "改成电话", 2)
    stale = client.post(url, {**data, "summary": "晚了", "version": 1})
    assert stale.status_code == 409


def test_interaction_delete_goes_to_the_recycle_bin(org, customers, login, logged):
    interaction = logged["manager1"]
    client = login("manager1")
    url = reverse("customers:interaction_delete", args=[interaction.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": interaction.version})
    assert response.status_code == 302
    assert not Interaction.objects.filter(pk=interaction.pk).exists()
    assert login("manager1").get(interaction.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_each_role_sees_only_its_interactions_and_documents(
    org, customers, login, logged, username
):
    client = login(username)
    listed = client.get(reverse("customers:interaction_list"))
    assert listed.status_code == 200
    seen = {row.summary.removeprefix("拜访") for row in listed.context["page"]}
    assert seen == VISIBLE[username]
    for owner, interaction in logged.items():
        visible = owner in VISIBLE[username]
        document = interaction.attachments.get()
        version = document.versions.get()
        expected = 200 if visible else 404
        assert client.get(interaction.get_absolute_url()).status_code == expected
        assert client.get(document.get_absolute_url()).status_code == expected
        download = client.get(reverse("customers:document_download", args=[version.pk]))
        assert download.status_code == expected, (owner, username)


def test_interaction_list_filters(org, customers, login):
    customer = customers["manager1"]
    actor = org["manager1"]
    now = timezone.now()
    interaction_create(
        actor=actor,
        customer=customer,
        summary="旧电话",
        kind="call",
        occurred_at=now - timedelta(days=40),
    )
    interaction_create(
        actor=actor,
        customer=customer,
        summary="新拜访",
        kind="visit",
        occurred_at=now - timedelta(days=1),
    )
    client = login("manager1")
    url = reverse("customers:interaction_list")

    def summaries(params):
        return [row.summary for row in client.get(url, params).context["page"]]

    assert summaries({}) == ["新拜访", "旧电话"]
    assert summaries({"kind": "call"}) == ["旧电话"]
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert summaries({"date_from": since}) == ["新拜访"]
    assert summaries({"date_to": since}) == ["旧电话"]
    assert summaries({"customer": customer.pk}) == ["新拜访", "旧电话"]
    assert client.get(url, {"customer": customers["manager2"].pk}).status_code == 404
    assert client.get(url, {"date_from": "garbage"}).status_code == 200


def test_interaction_list_queries_do_not_grow(org, login, customers, django_assert_max_num_queries):
    for index in range(30):
        interaction_create(
            actor=org["manager1"], customer=customers["manager1"], summary=f"第{index}次"
        )
    client = login("supervisor")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("customers:interaction_list"))
    assert len(response.context["page"].object_list) == 25


def test_document_list_queries_do_not_grow(org, login, customers, django_assert_max_num_queries):
    customer = customers["manager1"]
    for index in range(30):
        document_create(actor=org["manager1"], customer=customer, file=pdf(f"{index}.pdf"))
    client = login("manager1")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("customers:document_list", args=[customer.pk]))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


# --- documents -------------------------------------------------------------------------------


def test_upload_a_document_and_a_new_version(org, customers, login):
    customer = customers["manager1"]
    client = login("manager1")
    url = reverse("customers:document_create", args=[customer.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"file": pdf("框架协议.pdf"), "title": "", "category": "contract", "description": ""}
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()
    assert document.title == "框架协议.pdf" and document.category == "contract"

    response = client.post(
        reverse("customers:document_version_create", args=[document.pk]),
        {"file": pdf("框架协议-修订.pdf", PDF + b"%rev\n"), "version": document.version},
    )
    assert response.status_code == 302
    page = client.get(document.get_absolute_url())
    assert [v.number for v in page.context["versions"]] == [2, 1]
    assert "框架协议-修订.pdf" in page.content.decode()


def test_refused_upload_names_the_file_field(customers, login):
    response = login("manager1").post(
        reverse("customers:document_create", args=[customers["manager1"].pk]),
        {"file": upload("x.html", HTML), "category": "other"},
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Document.objects.exists()


def test_stale_new_version_is_a_conflict(org, customers, login):
    document = document_create(actor=org["manager1"], customer=customers["manager1"], file=pdf())
    document_add_version(actor=org["manager1"], document=document, file=pdf())
    response = login("manager1").post(
        reverse("customers:document_version_create", args=[document.pk]),
        {"file": pdf(), "version": 1},
    )
    assert response.status_code == 409
    assert document.versions.count() == 2


def test_document_delete(org, customers, login):
    document = document_create(actor=org["manager1"], customer=customers["manager1"], file=pdf())
    client = login("manager1")
    url = reverse("customers:document_delete", args=[document.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": document.version}).status_code == 302
    assert client.get(document.get_absolute_url()).status_code == 404
    assert login("assistant").post(url, {"version": 2}).status_code == 403


def test_download_is_an_attachment_that_is_never_rendered(org, customers, login):
    document = document_create(
        actor=org["manager1"], customer=customers["manager1"], file=pdf("年度合同 2026.pdf")
    )
    version = document.versions.get()
    response = login("manager1").get(reverse("customers:document_download", args=[version.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('年度合同 2026.pdf')}" in disposition


def test_pages_need_the_rights(customers, login, logged):
    customer = customers["manager1"]
    client = login("exec")  # reads everything, writes nothing
    assert (
        client.get(reverse("customers:interaction_create", args=[customer.pk])).status_code == 403
    )
    assert client.get(reverse("customers:document_create", args=[customer.pk])).status_code == 403
    assert client.get(logged["manager1"].get_absolute_url()).status_code == 200
    assert (
        login("manager1")
        .get(reverse("customers:interaction_create", args=[customers["manager2"].pk]))
        .status_code
        == 404
    )


def test_refused_new_version_shows_the_error_and_keeps_the_history(org, customers, login):
    document = document_create(actor=org["manager1"], customer=customers["manager1"], file=pdf())
    response = login("manager1").post(
        reverse("customers:document_version_create", args=[document.pk]),
        {"file": upload("v2.pdf", HTML), "version": document.version},
    )
    assert response.status_code == 200
    assert "file" in response.context["version_form"].errors
    assert [v.number for v in response.context["versions"]] == [1]
