"""The subject-access export and the erasure of a person's data (PIPL/GDPR), as services."""

import io
import json
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import load_workbook

from guanxi.core.access_log_text import access_log_summary
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.models import AccessLogEntry
from guanxi.core.recycle_bin import recycle_bin_purge
from guanxi.core.services.records import record_update
from guanxi.customers.models import (
    Contact,
    Customer,
    CustomerEvent,
    Document,
    DocumentVersion,
    Interaction,
)
from guanxi.customers.personal_data import PLACEHOLDER, register_personal_data_provider
from guanxi.customers.personal_data import _providers as providers
from guanxi.customers.selectors.customers import customer_list
from guanxi.customers.services import customers as services
from guanxi.customers.services import privacy
from guanxi.sales.models import Order
from guanxi.service.models import ServiceRequest
from tests.customers.fixtures.privacy import (
    ADDRESS,
    EMAIL,
    MOBILE,
    NAME,
    ORDER_TOTAL,
    OTHER_NAME,
    PHONE,
    TAX_ID,
)

PERSONAL_VALUES = (NAME, PHONE, EMAIL, TAX_ID, ADDRESS, MOBILE, "13912345678", "张伟临时")


@pytest.fixture(autouse=True)
def _in_english():
    """The services word their errors and history reasons in the active language."""
    with translation.override("en"):
        yield


def _archive(export) -> tuple[dict, zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    return json.loads(archive.read("personal-data.json")), archive


def _history_text(model, **condition) -> str:
    rows = model.history.filter(**condition).values()
    return json.dumps(list(rows), ensure_ascii=False, default=str)


# -- export -------------------------------------------------------------------------------------


def test_the_export_holds_the_persons_records_and_history_and_nothing_of_another(org, person):
    export = privacy.customer_personal_data_export(actor=org["admin"], customer=person.customer)

    data, archive = _archive(export)
    assert sorted(archive.namelist()) == ["personal-data.json", "personal-data.xlsx"]
    sections = data["sections"]
    assert sections["customer"]["rows"][0]["tax_id"] == TAX_ID
    assert [row["summary"] for row in sections["interactions"]["rows"]] == ["拜访张伟"]
    assert [row["code"] for row in sections["service_requests"]["rows"]] == [
        person.service_request.code
    ]
    assert [row["code"] for row in sections["orders"]["rows"]] == [person.order.code]
    assert sections["documents"]["rows"][0]["title"] == "张伟身份证.pdf"
    assert sections["document_versions"]["rows"][0]["original_name"] == "张伟身份证.pdf"
    # The history shows the name before and after the edit.
    names = [row["name"] for row in sections["customer_history"]["rows"]]
    assert names[0] == "张伟临时" and names[-1] == NAME
    assert data["exported_by"] == "admin"
    text = archive.read("personal-data.json").decode()
    assert OTHER_NAME not in text and "李娜来电" not in text
    # The workbook has one sheet per section with the same rows.
    workbook = load_workbook(io.BytesIO(archive.read("personal-data.xlsx")))
    assert len(workbook.sheetnames) == len(sections)
    sheet = workbook[sections["interactions"]["title"]]
    assert [cell.value for cell in sheet[2]][4] == "拜访张伟"


def test_a_contacts_export_holds_that_contact_only(org, person):
    colleague = services.contact_create(
        actor=org["manager1"], customer=person.customer, name="王芳"
    )

    export = privacy.contact_personal_data_export(actor=org["admin"], contact=person.contact)

    data, archive = _archive(export)
    assert data["sections"]["contact"]["rows"][0]["mobile"] == MOBILE
    assert [row["code"] for row in data["sections"]["service_requests"]["rows"]] == [
        person.service_request.code
    ]
    assert colleague.name not in archive.read("personal-data.json").decode()
    assert "orders" not in data["sections"]


def test_the_export_is_logged_as_a_subject_access_export(org, person):
    privacy.customer_personal_data_export(actor=org["admin"], customer=person.customer)

    entry = AccessLogEntry.objects.get(kind=AccessLogEntry.Kind.SUBJECT_ACCESS_EXPORT)
    assert entry.user == org["admin"]
    assert entry.target_id == person.customer.pk
    assert entry.details["sections"]["interactions"] == 1
    assert entry.details["row_count"] > 5


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec", "assistant"])
def test_only_the_right_exports_personal_data(org, person, username):
    with pytest.raises(PermissionDenied):
        privacy.customer_personal_data_export(actor=org[username], customer=person.customer)
    assert not AccessLogEntry.objects.filter(kind=AccessLogEntry.Kind.SUBJECT_ACCESS_EXPORT)


def test_a_company_has_no_subject_access_export(org, person):
    with pytest.raises(BusinessRuleError, match="company"):
        privacy.customer_personal_data_export(actor=org["admin"], customer=person.other)


# -- anonymisation --------------------------------------------------------------------------------


def test_anonymising_replaces_the_persons_values_in_the_record_and_its_history(org, person):
    record_update(
        instance=person.customer, actor=org["manager1"], change_reason=f"核实{NAME}的身份"
    )
    changes = person.customer.history.count()
    assert NAME in _history_text(Customer, id=person.customer.pk)

    customer = privacy.customer_anonymise(
        actor=org["admin"], customer=person.customer, reason="本人要求删除 (PIPL 第47条)"
    )

    assert customer.name == f"{PLACEHOLDER} #{customer.pk}"
    for field in ("phone", "email", "tax_id", "address"):
        assert getattr(customer, field) == ""
    assert customer.anonymised_at is not None
    contact = Contact.all_objects.get(pk=person.contact.pk)
    assert contact.name == f"{PLACEHOLDER} #{contact.pk}"
    assert (contact.mobile, contact.email, contact.notes) == ("", "", "")
    interaction = Interaction.all_objects.get(pk=person.interaction.pk)
    assert (interaction.summary, interaction.details, interaction.place) == (PLACEHOLDER, "", "")
    for model, condition in (
        (Customer, {"id": customer.pk}),
        (Contact, {"customer_id": customer.pk}),
        (Interaction, {"customer_id": customer.pk}),
        (Document, {"customer_id": customer.pk}),
        (ServiceRequest, {"customer_id": customer.pk}),
        (Order, {"customer_id": customer.pk}),
    ):
        history = _history_text(model, **condition)
        for value in PERSONAL_VALUES:
            assert value not in history, (model.__name__, value)
    # The history keeps that changes happened, and the last one says why.
    assert customer.history.count() == changes + 1
    assert customer.history.first().history_change_reason.startswith("Personal data anonymised")


def test_the_person_is_no_longer_found_by_name_phone_or_pinyin(org, person):
    admin = org["admin"]
    for term in (NAME, "13912345678", "zhangwei", "zw", EMAIL):
        assert customer_list(actor=admin, search=term).filter(pk=person.customer.pk).exists()

    privacy.customer_anonymise(actor=admin, customer=person.customer, reason="本人要求")

    for term in (NAME, "13912345678", "zhangwei", "zw", EMAIL, "3787654321"):
        assert not customer_list(actor=admin, search=term).filter(pk=person.customer.pk).exists()
    assert customer_list(actor=admin, search=person.customer.code).exists()


def test_orders_stay_with_their_amounts_and_lose_the_address(org, person):
    privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason="本人要求")

    order = Order.all_objects.get(pk=person.order.pk)
    assert order.total == ORDER_TOTAL
    assert order.customer_id == person.customer.pk
    assert order.delivery_address == ""
    assert order.lines.count() == 2
    request = ServiceRequest.all_objects.get(pk=person.service_request.pk)
    assert (request.requester_name, request.requester_phone, request.requester_email) == (
        "",
        "",
        "",
    )
    assert request.summary == person.service_request.summary


def test_documents_are_deleted_with_their_files(
    org, person, document_store, django_capture_on_commit_callbacks
):
    stored = DocumentVersion.objects.get(document=person.document).file.name
    assert document_store.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason="本人要求")

    assert not Document.all_objects.filter(customer=person.customer).exists()
    assert not DocumentVersion.objects.filter(document_id=person.document.pk).exists()
    assert not document_store.exists(stored)


def test_another_customers_records_are_untouched(org, person):
    privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason="本人要求")

    other = Customer.objects.get(pk=person.other.pk)
    assert other.name == OTHER_NAME and other.phone == "+8613811112222"
    assert Interaction.objects.get(pk=person.other_interaction.pk).summary == "李娜来电"


def test_anonymising_is_logged_with_who_and_why_and_on_the_timeline(org, person):
    privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason="本人要求删除")

    entry = AccessLogEntry.objects.get(kind=AccessLogEntry.Kind.ANONYMISED)
    assert entry.user == org["admin"] and entry.target_id == person.customer.pk
    assert entry.details["reason"] == "本人要求删除"
    assert entry.details["records"]["documents"] == 1
    event = CustomerEvent.objects.get(customer=person.customer, kind="anonymised")
    assert (event.actor, event.text) == (org["admin"], "本人要求删除")


def test_the_access_log_words_both_entries(org, person):
    privacy.customer_personal_data_export(actor=org["admin"], customer=person.customer)
    privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason="本人要求")

    with translation.override("en"):
        texts = [access_log_summary(entry) for entry in AccessLogEntry.objects.order_by("id")]

    assert re.fullmatch(r"Everything held about this customer: \d+ rows", texts[0])
    assert texts[1] == "Personal data of the customer replaced for good; reason: 本人要求"


def test_anonymising_cannot_be_repeated(org, person):
    privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason="本人要求")

    with pytest.raises(BusinessRuleError, match="already anonymised"):
        privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason="再次")
    assert AccessLogEntry.objects.filter(kind=AccessLogEntry.Kind.ANONYMISED).count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_anonymising_needs_a_reason(org, person, reason):
    with pytest.raises(ValidationError) as refused:
        privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason=reason)

    assert "reason" in refused.value.message_dict
    assert Customer.objects.get(pk=person.customer.pk).name == NAME


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec"])
def test_only_the_right_anonymises(org, person, username):
    with pytest.raises(PermissionDenied):
        privacy.customer_anonymise(actor=org[username], customer=person.customer, reason="x")
    assert Customer.objects.get(pk=person.customer.pk).name == NAME


def test_a_company_is_not_anonymised(org, person):
    with pytest.raises(BusinessRuleError, match="company"):
        privacy.customer_anonymise(actor=org["admin"], customer=person.other, reason="x")


def test_a_failure_midway_leaves_nothing_half_erased(org, person, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(providers, "zz-broken", providers["sales"])
    register_personal_data_provider("zz-broken", collect=lambda **kw: [], anonymise=broken)

    with pytest.raises(RuntimeError):
        privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason="本人要求")

    customer = Customer.objects.get(pk=person.customer.pk)
    assert (customer.name, customer.phone, customer.anonymised_at) == (NAME, PHONE, None)
    assert Contact.objects.get(pk=person.contact.pk).name == NAME
    assert Document.objects.filter(pk=person.document.pk).exists()
    assert NAME in _history_text(Contact, id=person.contact.pk)
    assert not AccessLogEntry.objects.filter(kind=AccessLogEntry.Kind.ANONYMISED).exists()


def test_anonymising_a_contact_erases_it_and_its_keys_on_the_customer(org, person):
    company = person.other
    contact = services.contact_create(
        actor=org["manager2"], customer=company, name="欧阳娜娜", mobile="+8613655556666"
    )
    admin = org["admin"]
    assert customer_list(actor=admin, search="ouyang").filter(pk=company.pk).exists()

    privacy.contact_anonymise(actor=admin, contact=contact, reason="本人要求")

    contact.refresh_from_db()
    assert contact.name == f"{PLACEHOLDER} #{contact.pk}" and contact.mobile == ""
    assert "欧阳娜娜" not in _history_text(Contact, id=contact.pk)
    assert "13655556666" not in _history_text(Contact, id=contact.pk)
    assert "ouyang" not in _history_text(Customer, id=company.pk)
    assert not customer_list(actor=admin, search="ouyang").filter(pk=company.pk).exists()
    assert Customer.objects.get(pk=company.pk).name == OTHER_NAME  # the company stays
    with pytest.raises(BusinessRuleError):
        privacy.contact_anonymise(actor=admin, contact=contact, reason="再次")


def test_a_contacts_service_requests_lose_the_requester(org, person):
    privacy.contact_anonymise(actor=org["admin"], contact=person.contact, reason="本人要求")

    request = ServiceRequest.all_objects.get(pk=person.service_request.pk)
    assert request.requester_name == "" and request.requester_phone == ""
    assert NAME not in _history_text(ServiceRequest, id=request.pk).replace("张伟临时", "")


# -- purging from the recycle bin -----------------------------------------------------------------


def _purgeable(org, customer):
    """A person customer in the recycle bin with nothing that keeps it from being purged."""
    ServiceRequest.all_objects.filter(customer=customer).delete()
    services.customer_delete(actor=org["admin"], customer=Customer.objects.get(pk=customer.pk))
    return Customer.all_objects.get(pk=customer.pk)


def test_purging_without_anonymising_leaves_the_name_and_tax_id_in_history(org, person):
    deleted = _purgeable(org, person.customer)

    recycle_bin_purge(actor=org["admin"], instance=deleted)

    history = _history_text(Customer, id=person.customer.pk)
    assert NAME in history and TAX_ID in history


def test_purging_with_anonymisation_leaves_neither_name_nor_tax_id_in_history(org, person):
    deleted = _purgeable(org, person.customer)

    recycle_bin_purge(
        actor=org["admin"], instance=deleted, options=["customers.anonymise"], reason="本人要求"
    )

    assert not Customer.all_objects.filter(pk=person.customer.pk).exists()
    for model, condition in (
        (Customer, {"id": person.customer.pk}),
        (Contact, {"customer_id": person.customer.pk}),
        (Interaction, {"customer_id": person.customer.pk}),
    ):
        history = _history_text(model, **condition)
        assert NAME not in history and TAX_ID not in history and PHONE not in history
    # The delete itself is in the history, under the placeholder.
    last = Customer.history.filter(id=person.customer.pk).first()
    assert last.history_type == "-" and last.name.startswith(PLACEHOLDER)
    assert AccessLogEntry.objects.filter(kind=AccessLogEntry.Kind.ANONYMISED).count() == 1


def test_purging_with_anonymisation_needs_a_reason_and_then_purges_nothing(org, person):
    deleted = _purgeable(org, person.customer)

    with pytest.raises(ValidationError):
        recycle_bin_purge(actor=org["admin"], instance=deleted, options=["customers.anonymise"])

    assert Customer.all_objects.get(pk=person.customer.pk).name == NAME


# -- what the sales app holds ---------------------------------------------------------------------


def test_opportunities_and_converted_leads_are_exported_and_erased(org, person):
    from guanxi.sales.models import Lead, Opportunity
    from guanxi.sales.services.leads import lead_create
    from guanxi.sales.services.opportunities import opportunity_create

    manager = org["manager1"]
    opportunity = opportunity_create(
        actor=manager,
        prospect_name=NAME,
        customer=person.customer,
        summary="采购电钻",
        probability=50,
        contact=NAME,
        contact_phone=PHONE,
        expected_amount="1000.00",
    )
    lead = lead_create(actor=manager, name=NAME, phone=PHONE, email=EMAIL, notes="展会认识")
    Lead.all_objects.filter(pk=lead.pk).update(converted_customer=person.customer)
    export = privacy.customer_personal_data_export(actor=org["admin"], customer=person.customer)
    sections, _archive_file = _archive(export)
    assert sections["sections"]["opportunities"]["rows"][0]["contact_phone"] == PHONE
    assert sections["sections"]["leads"]["rows"][0]["email"] == EMAIL

    privacy.customer_anonymise(actor=org["admin"], customer=person.customer, reason="本人要求")

    opportunity = Opportunity.all_objects.get(pk=opportunity.pk)
    assert (opportunity.prospect_name, opportunity.contact, opportunity.contact_phone) == (
        PLACEHOLDER,
        "",
        "",
    )
    assert opportunity.expected_amount == 1000 and opportunity.summary == "采购电钻"
    lead = Lead.all_objects.get(pk=lead.pk)
    assert lead.name == f"{PLACEHOLDER} #{lead.pk}" and (lead.phone, lead.email) == ("", "")
    # Nor do the derived keys keep the name or its pinyin (张伟 ← zhangwei, zw).
    assert lead.search_text == "" and "zhang" not in lead.name_sort
    for model, pk in ((Opportunity, opportunity.pk), (Lead, lead.pk)):
        history = _history_text(model, id=pk)
        assert NAME not in history and PHONE not in history and EMAIL not in history
