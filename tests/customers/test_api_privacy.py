"""A person's rights over their data over the API: GET …/personal-data/ (a zip) and
POST …/anonymise/ for person customers and contacts."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Permission

from guanxi.core.models import AccessLogEntry
from guanxi.customers.models import Contact, Customer
from guanxi.customers.personal_data import PLACEHOLDER
from guanxi.customers.services import customers as services
from tests.customers.fixtures.privacy import MOBILE, NAME, OTHER_NAME, TAX_ID

pytestmark = pytest.mark.usefixtures("english")


def _grant(user, codename: str) -> None:
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="customers", codename=codename)
    )


def _json(response) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("personal-data.json"))


def test_an_administrator_downloads_a_person_customers_data_as_a_zip(api, person):
    response = api("admin").get(f"/api/customers/{person.customer.pk}/personal-data/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = _json(response)
    assert data["sections"]["customer"]["rows"][0]["tax_id"] == TAX_ID
    assert [row["summary"] for row in data["sections"]["interactions"]["rows"]] == ["拜访张伟"]
    assert OTHER_NAME not in json.dumps(data, ensure_ascii=False)
    entry = AccessLogEntry.objects.get(kind=AccessLogEntry.Kind.SUBJECT_ACCESS_EXPORT)
    assert entry.target_id == person.customer.pk and entry.client_address


def test_an_administrator_downloads_a_contacts_data(api, person):
    response = api("admin").get(f"/api/contacts/{person.contact.pk}/personal-data/")

    assert response.status_code == 200
    assert _json(response)["sections"]["contact"]["rows"][0]["mobile"] == MOBILE


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec", "assistant"])
def test_without_the_right_the_export_and_the_erasure_are_refused(api, person, username):
    client = api(username)
    pk = person.customer.pk
    assert client.get(f"/api/customers/{pk}/personal-data/").status_code == 403
    assert client.get(f"/api/contacts/{person.contact.pk}/personal-data/").status_code == 403
    refused = client.post(f"/api/customers/{pk}/anonymise/", {"reason": "x"}, format="json")
    assert refused.status_code == 403
    assert Customer.objects.get(pk=pk).name == NAME
    assert not AccessLogEntry.objects.exists()


def test_a_right_holder_outside_the_scope_gets_404(api, org, person):
    _grant(org["supervisor2"], "export_personal_data")
    _grant(org["supervisor2"], "anonymise_personal_data")
    client = api("supervisor2")

    assert client.get(f"/api/customers/{person.customer.pk}/personal-data/").status_code == 404
    assert client.get(f"/api/contacts/{person.contact.pk}/personal-data/").status_code == 404
    response = client.post(
        f"/api/customers/{person.customer.pk}/anonymise/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404
    assert client.get("/api/customers/abc/personal-data/").status_code == 404
    assert Customer.objects.get(pk=person.customer.pk).name == NAME


def test_anonymising_over_the_api(api, person):
    pk = person.customer.pk
    response = api("admin").post(
        f"/api/customers/{pk}/anonymise/", {"reason": "本人要求删除"}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == f"{PLACEHOLDER} #{pk}" and body["anonymised_at"]
    assert NAME not in json.dumps(
        list(Customer.history.filter(id=pk).values()), ensure_ascii=False, default=str
    )
    entry = AccessLogEntry.objects.get(kind=AccessLogEntry.Kind.ANONYMISED)
    assert entry.details["reason"] == "本人要求删除"

    again = api("admin").post(f"/api/customers/{pk}/anonymise/", {"reason": "x"}, format="json")
    assert again.status_code == 422
    assert "already anonymised" in again.json()["error"]["message"]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_anonymising_without_a_reason_is_a_400_naming_reason(api, person, body):
    response = api("admin").post(
        f"/api/customers/{person.customer.pk}/anonymise/", body, format="json"
    )

    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert Customer.objects.get(pk=person.customer.pk).anonymised_at is None


def test_a_company_is_refused_with_422(api, person):
    client = api("admin")
    pk = person.other.pk
    assert client.get(f"/api/customers/{pk}/personal-data/").status_code == 422
    response = client.post(f"/api/customers/{pk}/anonymise/", {"reason": "x"}, format="json")
    assert response.status_code == 422
    assert "company" in response.json()["error"]["message"]


def test_anonymising_a_contact_over_the_api(api, person):
    pk = person.contact.pk
    response = api("admin").post(
        f"/api/contacts/{pk}/anonymise/", {"reason": "本人要求"}, format="json"
    )

    assert response.status_code == 200, response.json()
    contact = Contact.objects.get(pk=pk)
    assert contact.name == f"{PLACEHOLDER} #{pk}" and contact.mobile == ""


def test_the_export_reads_a_bounded_number_of_queries(
    api, org, person, django_assert_max_num_queries
):
    # One query per section, whatever the number of rows in it.
    for number in range(5):
        services.contact_create(
            actor=org["manager1"], customer=person.customer, name=f"家人{number}"
        )
    client = api("admin")
    with django_assert_max_num_queries(30):
        response = client.get(f"/api/customers/{person.customer.pk}/personal-data/")
    assert response.status_code == 200


def test_the_endpoints_are_in_the_schema(openapi_schema):
    paths = openapi_schema["paths"]
    assert (
        "application/zip"
        in (paths["/api/customers/{id}/personal-data/"]["get"]["responses"]["200"]["content"])
    )
    assert "post" in paths["/api/contacts/{id}/anonymise/"]
