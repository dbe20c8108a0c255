"""Contacts as vCards 电子名片: names, export 3.0/4.0, import (dry run, commit, idempotent, the
rules per card), real-world files, and values that cannot forge cards."""

from urllib.parse import quote

import pytest
import vobject
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanxi.customers import vcard
from guanxi.customers.models import Contact
from guanxi.customers.services.vcard import contacts_import_vcards
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory
from tests.customers.fixtures.vcard import FIXTURE_EXPECTATIONS, fixture, snapshot

pytestmark = pytest.mark.usefixtures("english_throughout")


# Each real-world fixture and the contacts it must create: {name: {field: value}}.


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
    assert tels == {"CELL": "+86 138 0013 8000", "WORK": "+86 21 6888 1234"}
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
    assert len(few) <= 9  # one of them writes the export into the sensitive-access log


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
