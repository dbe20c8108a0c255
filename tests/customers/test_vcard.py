"""Contacts as vCards 电子名片: export 3.0/4.0, import (preview, commit, idempotent), pages, API."""

import base64
from pathlib import Path
from urllib.parse import quote

import pytest
import vobject
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from guanxi.customers import vcard
from guanxi.customers.models import Contact
from guanxi.customers.services.vcard import contacts_import_vcards
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

FIXTURES = Path(__file__).parent / "data" / "vcards"
COMPARED = ("name", "gender", "title", "office_phone", "mobile", "email", "notes", "is_primary")

# Each real-world fixture and the contacts it must create: {name: {field: value}}.
FIXTURE_EXPECTATIONS = {
    "vobject-quoted-printable.vcf": {
        "黄世勇": {"mobile": "15810139237", "office_phone": "01088520374"}
    },
    "vobject-radicale-1238-2.vcf": {
        "蔡媛": {
            "mobile": "+8613810109388",
            "email": "caiyuan@zhztech.com",
            "title": "人力资源部 人力资源部经理",
        }
    },
    "vobject-simple-3.0.vcf": {
        "Daffy Duck Knudson (with Bugs Bunny and Mr. Pluto)": {"mobile": "+01-(0)5-555.55.55"}
    },
    "vobject-with-groups.vcf": {"Meister Berger": {"email": "mb@goerlitz.de", "title": "Mayor"}},
    "ios-export.vcf": {
        "欧阳娜娜": {
            "mobile": "+86 138 0013 8000",
            "office_phone": "021-6888 1234",
            "email": "nana.ouyang@example.cn",
            "title": "采购经理",
            "notes": "每周二上午方便联系，\n节假日勿扰。",
        },
        "Jane Doe": {"mobile": "+1 415 555 0100", "email": "jane@example.com"},
    },
    "android-2.1-export.vcf": {
        "司马光": {
            "mobile": "13912345678",
            "office_phone": "010-88886666",
            "email": "simaguang@example.com.cn",
            "title": "总编辑兼董事会秘书",
        },
        "李娜": {"mobile": "18612340000"},
    },
    "outlook-export.vcf": {
        "王小明": {
            "mobile": "139 2345 6789",
            "office_phone": "0755-2666 8888",
            "email": "wang.xiaoming@example.com",
            "title": "华南区销售总监",
        }
    },
    "vcard-4.0.vcf": {
        "诸葛亮": {"mobile": "+86-135-0000-1111", "gender": "male", "title": "丞相"},
        "黄月英": {"email": "yueying@example.cn", "gender": "female"},
    },
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def snapshot(customer) -> list[dict]:
    rows = Contact.objects.filter(customer=customer).order_by("name").values(*COMPARED)
    return [dict(row) for row in rows]


@pytest.fixture(autouse=True)
def english(request):
    """Messages are asserted in English; users default to Chinese, so they switch for the test."""
    if "org" in request.fixturenames:
        org = request.getfixturevalue("org")
        for user in org.values():
            user.language = "en"
            user.save(update_fields=["language"])
    with translation.override("en"):
        yield


@pytest.fixture
def empty_customer(org):
    return CustomerFactory(owner=org["manager1"])


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("张伟", ("张", "伟")),
        ("王小明", ("王", "小明")),
        ("欧阳娜娜", ("欧阳", "娜娜")),
        ("司马光", ("司马", "光")),
        ("诸葛亮", ("诸葛", "亮")),
        ("欧阳", ("欧", "阳")),  # two characters: one-character surname, never all surname
        ("Jane Doe", ("Doe", "Jane")),
        ("Madonna", ("", "Madonna")),
    ],
)
def test_split_name_puts_the_chinese_family_name_first(name, parts):
    assert vcard.split_name(name) == parts
    assert vcard.join_name(*parts) == name


# --- export -------------------------------------------------------------------------------


@pytest.fixture
def rich_customer(org):
    customer = CustomerFactory(owner=org["manager1"], name="上海华东贸易有限公司")
    ContactFactory(
        customer=customer,
        name="欧阳娜娜",
        gender="female",
        title="采购经理",
        mobile="13800138000",
        office_phone="021-68881234",
        email="nana@example.cn",
        notes="第一行\n第二行, 含逗号; 和分号",
        is_primary=True,
    )
    ContactFactory(customer=customer, name="张伟", mobile="13900139000", email="", title="")
    ContactFactory(customer=customer, name="Jane Doe", mobile="", email="jane@example.com")
    return customer


def test_export_is_a_vcard_3_download_with_the_customer_name(login, rich_customer):
    url = reverse("customers:contacts_vcard_export", args=[rich_customer.pk])
    response = login("manager1").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote("上海华东贸易有限公司.vcf", safe="") in disposition
    cards = list(vobject.readComponents(response.content.decode("utf-8")))
    assert [card.fn.value for card in cards] == ["欧阳娜娜", "Jane Doe", "张伟"]
    first = cards[0]
    assert first.version.value == "3.0"
    assert (first.n.value.family, first.n.value.given) == ("欧阳", "娜娜")
    assert first.org.value == ["上海华东贸易有限公司"]
    assert "pref" in first.org.params["TYPE"]  # the primary contact
    assert "TYPE" not in cards[2].org.params
    tels = {tel.params["TYPE"][0]: tel.value for tel in first.contents["tel"]}
    assert tels == {"CELL": "13800138000", "WORK": "021-68881234"}
    assert first.email.value == "nana@example.cn"
    assert first.title.value == "采购经理"
    assert first.note.value == "第一行\n第二行, 含逗号; 和分号"


def test_export_version_4_marks_the_primary_with_pref_1(login, rich_customer):
    url = reverse("customers:contacts_vcard_export", args=[rich_customer.pk])
    response = login("manager1").get(url, {"version": "4.0"})
    text = response.content.decode("utf-8")
    assert text.count("VERSION:4.0") == 3
    assert "ORG;PREF=1:上海华东贸易有限公司" in text
    assert "GENDER:F" in text
    assert "TYPE=cell" in text


def test_export_refuses_an_unknown_version(login, rich_customer):
    url = reverse("customers:contacts_vcard_export", args=[rich_customer.pk])
    assert login("manager1").get(url, {"version": "2.1"}).status_code == 400


def test_export_costs_a_fixed_number_of_queries(
    login, rich_customer, django_assert_max_num_queries
):
    client = login("manager1")
    url = reverse("customers:contacts_vcard_export", args=[rich_customer.pk])
    client.get(url)  # the session and rights are cached from here on, as for a real user
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(20):
        ContactFactory(customer=rich_customer, name=f"联系人{number}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("BEGIN:VCARD") == 23
    assert len(few) <= 8


def test_export_then_import_recreates_equal_contacts(org, login, rich_customer, empty_customer):
    url = reverse("customers:contacts_vcard_export", args=[rich_customer.pk])
    for version in ("3.0", "4.0"):
        target = CustomerFactory(owner=org["manager1"])
        data = login("manager1").get(url, {"version": version}).content
        report = contacts_import_vcards(actor=org["manager1"], customer=target, data=data)
        assert report.committed and report.created == 3
        exported = snapshot(rich_customer)
        imported = snapshot(target)
        if version == "3.0":
            # 3.0 has no GENDER; the X-GENDER extension carries it.
            assert [row["gender"] for row in imported] == [row["gender"] for row in exported]
        assert imported == exported


# --- import: real-world files -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURE_EXPECTATIONS))
def test_each_real_world_file_imports(org, empty_customer, name):
    report = contacts_import_vcards(
        actor=org["manager1"], customer=empty_customer, data=fixture(name)
    )
    assert report.committed, [row.errors for row in report.rows]
    contacts = {c.name: c for c in Contact.objects.filter(customer=empty_customer)}
    assert set(contacts) == set(FIXTURE_EXPECTATIONS[name])
    for contact_name, expected in FIXTURE_EXPECTATIONS[name].items():
        for field, value in expected.items():
            assert getattr(contacts[contact_name], field) == value, (contact_name, field)
    assert sum(c.is_primary for c in contacts.values()) == 1


def test_extra_phones_and_emails_are_kept_in_the_notes(org, empty_customer):
    contacts_import_vcards(
        actor=org["manager1"], customer=empty_customer, data=fixture("android-2.1-export.vcf")
    )
    sima = Contact.objects.get(customer=empty_customer, name="司马光")
    assert "+8615012345678" in sima.notes and "010-66668888" in sima.notes
    assert "base64" not in sima.notes.lower() and "PHOTO" not in sima.notes
    contacts_import_vcards(
        actor=org["manager1"], customer=empty_customer, data=fixture("ios-export.vcf")
    )
    assert "jane.doe@example.org" in Contact.objects.get(name="Jane Doe").notes


# --- import: rules ------------------------------------------------------------------------


def test_dry_run_writes_nothing_and_lists_each_card(org, empty_customer):
    report = contacts_import_vcards(
        actor=org["manager1"],
        customer=empty_customer,
        data=fixture("ios-export.vcf"),
        dry_run=True,
    )
    assert not report.committed
    assert [(row.status, row.fields["name"]) for row in report.rows] == [
        ("new", "欧阳娜娜"),
        ("new", "Jane Doe"),
    ]
    assert not Contact.objects.filter(customer=empty_customer).exists()


def test_reimport_is_idempotent_and_reports_the_skipped_cards(org, empty_customer):
    data = fixture("android-2.1-export.vcf")
    first = contacts_import_vcards(actor=org["manager1"], customer=empty_customer, data=data)
    second = contacts_import_vcards(actor=org["manager1"], customer=empty_customer, data=data)
    assert first.created == 2
    assert second.committed and second.created == 0 and second.duplicates == 2
    assert Contact.objects.filter(customer=empty_customer).count() == 2


def test_same_person_with_another_number_format_is_a_duplicate(org, empty_customer):
    ContactFactory(customer=empty_customer, name="李娜", mobile="+86 186 1234 0000", email="")
    report = contacts_import_vcards(
        actor=org["manager1"],
        customer=empty_customer,
        data=fixture("android-2.1-export.vcf"),
        dry_run=True,
    )
    assert {row.fields["name"]: row.status for row in report.rows} == {
        "司马光": "new",
        "李娜": "duplicate",
    }


def test_a_card_twice_in_one_file_is_imported_once(org, empty_customer):
    data = fixture("outlook-export.vcf") * 2
    report = contacts_import_vcards(actor=org["manager1"], customer=empty_customer, data=data)
    assert [row.status for row in report.rows] == ["new", "duplicate"]
    assert Contact.objects.filter(customer=empty_customer).count() == 1


def test_cards_with_errors_name_the_field_and_nothing_is_written(org, empty_customer):
    report = contacts_import_vcards(
        actor=org["manager1"], customer=empty_customer, data=fixture("invalid-cards.vcf")
    )
    assert not report.committed
    statuses = {row.number: row for row in report.rows}
    assert statuses[1].status == "error" and "name" in statuses[1].errors
    assert statuses[2].status == "error" and "email" in statuses[2].errors
    assert "e-mail" in statuses[2].errors["email"][0]
    assert statuses[3].status == "new"
    assert not Contact.objects.filter(customer=empty_customer).exists()


def test_an_unreadable_card_is_reported_alone(org, empty_customer):
    data = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:张三\r\nNOT A LINE\r\nEND:VCARD\r\n".encode()
    data += fixture("outlook-export.vcf")
    report = contacts_import_vcards(
        actor=org["manager1"], customer=empty_customer, data=data, dry_run=True
    )
    assert [row.status for row in report.rows] == ["error", "new"]
    assert "card" in report.rows[0].errors


def test_existing_primary_contact_keeps_the_role(org, customers):
    customer = customers["manager1"]
    primary = Contact.objects.get(customer=customer, is_primary=True)
    text = fixture("outlook-export.vcf").decode().replace("ORG;", "ORG;TYPE=pref;")
    contacts_import_vcards(actor=org["manager1"], customer=customer, data=text.encode())
    primary.refresh_from_db()
    assert primary.is_primary
    assert Contact.objects.filter(customer=customer, is_primary=True).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no vCard"),
        (b"name,mobile\n\xe5\xbc\xa0\xe4\xb8\x89,138\n", "no vCard"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a vCard"),
        (b"BEGIN:VCARD\r\n" + b"X" * (vcard.MAX_VCARD_BYTES + 1), "larger than"),
    ],
)
def test_bad_files_are_refused_with_a_file_error(org, empty_customer, data, message):
    with pytest.raises(ValidationError) as raised:
        contacts_import_vcards(actor=org["manager1"], customer=empty_customer, data=data)
    assert message in raised.value.message_dict["file"][0]


def test_too_many_cards_are_refused(org, empty_customer, monkeypatch):
    monkeypatch.setattr(vcard, "MAX_VCARD_CARDS", 2)
    data = fixture("outlook-export.vcf") * 3
    with pytest.raises(ValidationError) as raised:
        contacts_import_vcards(actor=org["manager1"], customer=empty_customer, data=data)
    assert "at most 2" in raised.value.message_dict["file"][0]


def test_gb18030_file_from_an_old_phone_is_read(org, empty_customer):
    text = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:张三\r\nTEL;CELL:13700000000\r\nEND:VCARD\r\n"
    contacts_import_vcards(
        actor=org["manager1"], customer=empty_customer, data=text.encode("gb18030")
    )
    assert Contact.objects.get(customer=empty_customer).name == "张三"


def test_executive_cannot_import(org, empty_customer):
    with pytest.raises(PermissionDenied):
        contacts_import_vcards(
            actor=org["exec"], customer=empty_customer, data=fixture("outlook-export.vcf")
        )


# --- pages --------------------------------------------------------------------------------


def _import_url(customer):
    return reverse("customers:contacts_vcard_import", args=[customer.pk])


def test_import_page_previews_then_commits(login, empty_customer):
    client = login("manager1")
    assert client.get(_import_url(empty_customer)).status_code == 200
    upload = SimpleUploadedFile(
        "contacts.vcf", fixture("ios-export.vcf"), content_type="application/octet-stream"
    )
    preview = client.post(_import_url(empty_customer), {"file": upload, "action": "preview"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert page.count('data-testid="vcard-row"') == 2
    assert "欧阳娜娜" in page and 'data-testid="vcard-commit-form"' in page
    assert not Contact.objects.filter(customer=empty_customer).exists()
    content = preview.context["content"]
    assert base64.b64decode(content) == fixture("ios-export.vcf")
    done = client.post(_import_url(empty_customer), {"content": content, "action": "import"})
    assert done.status_code == 302 and done["Location"] == empty_customer.get_absolute_url()
    assert Contact.objects.filter(customer=empty_customer).count() == 2


def test_import_page_shows_card_errors_and_offers_no_commit(login, empty_customer):
    client = login("manager1")
    upload = SimpleUploadedFile("bad.vcf", fixture("invalid-cards.vcf"))
    page = client.post(_import_url(empty_customer), {"file": upload, "action": "preview"})
    text = page.content.decode()
    assert text.count('data-status="error"') == 2
    assert "The card has no name" in text
    assert 'data-testid="vcard-commit-form"' not in text
    content = page.context["content"]
    refused = client.post(_import_url(empty_customer), {"content": content, "action": "import"})
    assert "Nothing was imported" in refused.content.decode()
    assert not Contact.objects.filter(customer=empty_customer).exists()


def test_import_page_refuses_a_file_that_is_not_a_vcard_whatever_its_type(login, empty_customer):
    upload = SimpleUploadedFile("x.vcf", b"\x89PNG\r\n\x1a\n\x00", content_type="text/vcard")
    page = login("manager1").post(_import_url(empty_customer), {"file": upload})
    assert "This is not a vCard file" in page.content.decode()


@pytest.mark.parametrize("data", [{"action": "preview"}, {}])
def test_import_page_without_a_file_names_the_field(login, empty_customer, data):
    page = login("manager1").post(_import_url(empty_customer), data)
    assert page.context["form"].errors["file"] == ["Choose a vCard file (.vcf) to import."]


def test_import_page_in_chinese(org, login, empty_customer):
    org["manager1"].language = "zh-hans"
    org["manager1"].save(update_fields=["language"])
    response = login("manager1").get(_import_url(empty_customer))
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()


@pytest.mark.parametrize("username", ["manager2", "supervisor2", "assistant"])
def test_pages_answer_404_outside_scope(login, customers, username):
    # The assistant supports manager1 only.
    customer = customers["manager2" if username == "assistant" else "manager1"]
    client = login(username)
    export = reverse("customers:contacts_vcard_export", args=[customer.pk])
    assert client.get(export).status_code == 404
    assert client.get(_import_url(customer)).status_code == 404


def test_executive_may_export_but_not_import(login, customers):
    client = login("exec")
    customer = customers["manager1"]
    export = reverse("customers:contacts_vcard_export", args=[customer.pk])
    assert client.get(export).status_code == 200
    assert client.get(_import_url(customer)).status_code == 403
    upload = SimpleUploadedFile("c.vcf", fixture("outlook-export.vcf"))
    assert client.post(_import_url(customer), {"file": upload}).status_code == 403


def test_signed_out_visitor_is_sent_to_login(client, customers):
    response = client.get(reverse("customers:contacts_vcard_export", args=[customers["pool"].pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_actions_partial_links_by_right(login, customers, rf, org):
    from django.template.loader import render_to_string

    for username, can_import in (("manager1", True), ("exec", False)):
        request = rf.get("/")
        request.user = org[username]
        html = render_to_string(
            "customers/partials/_vcard_actions.html",
            {"customer": customers["manager1"]},
            request=request,
        )
        assert 'data-testid="vcard-export"' in html
        assert ('data-testid="vcard-import"' in html) is can_import


# --- API ----------------------------------------------------------------------------------


def _api_export(pk):
    return f"/api/customers/{pk}/contacts.vcf"


def _api_import(pk):
    return f"/api/customers/{pk}/contacts/import-vcard/"


def test_api_export(api, rich_customer):
    response = api("manager1").get(_api_export(rich_customer.pk), {"version": "4.0"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode().count("VERSION:4.0") == 3


def test_api_export_bad_version_is_a_field_error(api, rich_customer):
    response = api("manager1").get(_api_export(rich_customer.pk), {"version": "9"})
    assert response.status_code == 400
    assert "version" in response.json()["error"]["fields"]


def test_api_import_dry_run_then_commit_then_idempotent(api, empty_customer):
    client = api("manager1")

    def post(dry_run):
        upload = SimpleUploadedFile("c.vcf", fixture("vcard-4.0.vcf"))
        return client.post(
            _api_import(empty_customer.pk), {"file": upload, "dry_run": dry_run}, format="multipart"
        )

    dry = post(True)
    assert dry.status_code == 200
    body = dry.json()
    assert body["committed"] is False and body["new"] == 2
    assert [card["fields"]["name"] for card in body["cards"]] == ["诸葛亮", "黄月英"]
    assert not Contact.objects.filter(customer=empty_customer).exists()
    done = post(False)
    assert done.status_code == 201 and done.json()["created"] == 2
    again = post(False)
    assert again.status_code == 201
    assert again.json()["created"] == 0 and again.json()["duplicates"] == 2
    assert Contact.objects.filter(customer=empty_customer).count() == 2


def test_api_import_with_card_errors_writes_nothing(api, empty_customer):
    upload = SimpleUploadedFile("c.vcf", fixture("invalid-cards.vcf"))
    response = api("manager1").post(
        _api_import(empty_customer.pk), {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    messages = response.json()["error"]["fields"]["cards"]
    assert any(message.startswith("Card 2:") for message in messages)
    assert not Contact.objects.filter(customer=empty_customer).exists()


def test_api_import_bad_file_and_missing_file(api, empty_customer):
    client = api("manager1")
    upload = SimpleUploadedFile("c.vcf", b"hello")
    response = client.post(_api_import(empty_customer.pk), {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    missing = client.post(_api_import(empty_customer.pk), {}, format="multipart")
    assert missing.status_code == 400


def test_api_scope_and_rights(api, customers):
    other = customers["manager2"]
    manager = api("manager1")
    assert manager.get(_api_export(other.pk)).status_code == 404
    upload = SimpleUploadedFile("c.vcf", fixture("outlook-export.vcf"))
    response = manager.post(_api_import(other.pk), {"file": upload}, format="multipart")
    assert response.status_code == 404
    executive = api("exec")
    assert executive.get(_api_export(other.pk)).status_code == 200
    upload = SimpleUploadedFile("c.vcf", fixture("outlook-export.vcf"))
    response = executive.post(_api_import(other.pk), {"file": upload}, format="multipart")
    assert response.status_code == 403
    assert APIClient().get(_api_export(other.pk)).status_code == 401


@pytest.mark.parametrize("bad_id", ["-3", "abc", "0", str(2**63)])
def test_api_malformed_id_is_not_found(api, bad_id):
    client = api("manager1")
    assert client.get(_api_export(bad_id)).status_code == 404
    assert client.post(_api_import(bad_id), {}, format="multipart").status_code == 404


def test_api_endpoints_are_in_the_schema(api):
    schema = api("manager1").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/customers/{id}/contacts.vcf" in schema["paths"] or any(
        path.endswith("/contacts.vcf") for path in schema["paths"]
    )
    assert any(path.endswith("/contacts/import-vcard/") for path in schema["paths"])


def test_line_breaks_in_values_cannot_forge_cards_or_lines(org):
    customer = CustomerFactory(owner=org["manager1"], name="甲\r\nEND:VCARD")
    ContactFactory(
        customer=customer, name="张三\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:假", title="a\r\nX-EVIL:1"
    )
    contacts = Contact.objects.filter(customer=customer)
    text = vcard.contacts_to_vcard(contacts, organisation=customer.name)
    lines = text.split("\r\n")
    assert lines.count("BEGIN:VCARD") == 1 and lines.count("END:VCARD") == 1
    assert not any(line.startswith("X-EVIL") for line in lines)
    (card,) = vcard.parse_vcards(text.encode())
    assert card.fields["title"] == "a X-EVIL:1"


def test_customer_page_offers_the_vcard_actions_by_right(login, customers):
    customer = customers["manager1"]
    manager_page = login("manager1").get(f"/customers/{customer.pk}/").content.decode()
    exec_page = login("exec").get(f"/customers/{customer.pk}/").content.decode()
    import_url = f"/customers/{customer.pk}/contacts/import/"
    assert f"/customers/{customer.pk}/contacts.vcf" in manager_page
    assert import_url in manager_page
    assert f"/customers/{customer.pk}/contacts.vcf" in exec_page
    assert import_url not in exec_page
