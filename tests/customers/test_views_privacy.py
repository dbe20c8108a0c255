"""A person's data on the pages: the export and anonymise buttons, the zip download, the
confirm page (reason, name typed again) and the recycle bin's purge option."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from guanxi.core.models import AccessLogEntry
from guanxi.customers.models import Contact, Customer
from guanxi.customers.personal_data import PLACEHOLDER
from guanxi.customers.services import customers as services
from guanxi.service.models import ServiceRequest
from tests.customers.fixtures.privacy import NAME, TAX_ID

pytestmark = pytest.mark.usefixtures("english")


def detail(customer) -> str:
    return reverse("customers:detail", args=[customer.pk])


def anonymise(customer) -> str:
    return reverse("customers:anonymise", args=[customer.pk])


def test_the_administrator_sees_the_buttons_on_a_person_and_its_contacts(login, person):
    page = login("admin").get(detail(person.customer)).content.decode()

    assert 'data-testid="personal-data-export"' in page
    assert 'data-testid="customer-anonymise"' in page
    assert 'data-testid="contact-personal-data-export"' in page
    assert 'data-testid="contact-anonymise"' in page


def test_a_company_offers_the_buttons_on_its_contacts_only(login, org, person):
    services.contact_create(actor=org["manager2"], customer=person.other, name="王芳")

    page = login("admin").get(detail(person.other)).content.decode()

    assert 'data-testid="personal-data-export"' not in page
    assert 'data-testid="customer-anonymise"' not in page
    assert 'data-testid="contact-anonymise"' in page


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec"])
def test_without_the_right_there_are_no_buttons_and_no_pages(login, person, username):
    client = login(username)
    page = client.get(detail(person.customer)).content.decode()
    assert "personal-data-export" not in page and "anonymise" not in page

    pk, contact = person.customer.pk, person.contact.pk
    assert client.get(reverse("customers:personal_data", args=[pk])).status_code == 403
    assert client.get(reverse("customers:contact_personal_data", args=[contact])).status_code == 403
    assert client.get(anonymise(person.customer)).status_code == 403
    refused = client.post(anonymise(person.customer), {"reason": "x", "confirm": NAME})
    assert refused.status_code == 403
    assert Customer.objects.get(pk=pk).name == NAME


def test_the_export_downloads_a_zip_and_is_logged(login, person):
    response = login("admin").get(reverse("customers:personal_data", args=[person.customer.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("personal-data.json"))
    assert data["sections"]["customer"]["rows"][0]["tax_id"] == TAX_ID
    assert AccessLogEntry.objects.filter(
        kind=AccessLogEntry.Kind.SUBJECT_ACCESS_EXPORT, target_id=person.customer.pk
    ).exists()


def test_anonymising_needs_the_reason_and_the_name_typed_again(login, person):
    client = login("admin")
    page = client.get(anonymise(person.customer)).content.decode()
    assert 'data-testid="anonymise-form"' in page and "cannot be undone" in page

    wrong_name = client.post(anonymise(person.customer), {"reason": "本人要求", "confirm": "张"})
    assert wrong_name.status_code == 200
    assert "exactly as shown" in wrong_name.content.decode()
    no_reason = client.post(anonymise(person.customer), {"reason": " ", "confirm": NAME})
    assert no_reason.status_code == 200
    assert "Give the reason" in no_reason.content.decode()
    assert Customer.objects.get(pk=person.customer.pk).name == NAME

    done = client.post(anonymise(person.customer), {"reason": "本人要求", "confirm": NAME})

    assert done.status_code == 302 and done["Location"] == detail(person.customer)
    customer = Customer.objects.get(pk=person.customer.pk)
    assert customer.name == f"{PLACEHOLDER} #{customer.pk}"
    after = client.get(detail(customer)).content.decode()
    assert "The personal data was anonymised" in after
    assert 'data-testid="customer-anonymise"' not in after  # it cannot be repeated
    again = client.get(anonymise(customer)).content.decode()
    assert "already anonymised" in again and 'data-testid="anonymise-form"' not in again


def test_anonymising_a_contact_from_its_page(login, person):
    url = reverse("customers:contact_anonymise", args=[person.contact.pk])

    done = login("admin").post(url, {"reason": "本人要求", "confirm": NAME})

    assert done.status_code == 302
    contact = Contact.objects.get(pk=person.contact.pk)
    assert contact.name == f"{PLACEHOLDER} #{contact.pk}"


def test_out_of_scope_is_404(login, org, person):
    from django.contrib.auth.models import Permission

    org["supervisor2"].user_permissions.add(
        *Permission.objects.filter(codename__in=["export_personal_data", "anonymise_personal_data"])
    )
    client = login("supervisor2")
    assert (
        client.get(reverse("customers:personal_data", args=[person.customer.pk])).status_code == 404
    )
    assert client.get(anonymise(person.customer)).status_code == 404


def test_the_purge_page_offers_anonymisation_for_a_person_customer(login, org, person):
    ServiceRequest.all_objects.filter(customer=person.customer).delete()
    services.customer_delete(actor=org["admin"], customer=person.customer)
    url = reverse("core:recycle_purge", args=["customers.customer", person.customer.pk])
    client = login("admin")

    page = client.get(url).content.decode()
    assert 'data-testid="purge-option-customers.anonymise"' in page

    refused = client.post(url, {"options": "customers.anonymise", "reason": ""})
    assert refused.status_code == 200
    assert "Give the reason" in refused.content.decode()
    assert Customer.all_objects.filter(pk=person.customer.pk).exists()

    done = client.post(url, {"options": "customers.anonymise", "reason": "本人要求删除"})

    assert done.status_code == 302
    assert not Customer.all_objects.filter(pk=person.customer.pk).exists()
    history = json.dumps(
        list(Customer.history.filter(id=person.customer.pk).values()),
        ensure_ascii=False,
        default=str,
    )
    assert NAME not in history and TAX_ID not in history


def test_the_purge_page_offers_nothing_for_a_company(login, org, person):
    services.customer_delete(actor=org["admin"], customer=person.other)
    url = reverse("core:recycle_purge", args=["customers.customer", person.other.pk])

    page = login("admin").get(url).content.decode()

    assert "purge-option" not in page
