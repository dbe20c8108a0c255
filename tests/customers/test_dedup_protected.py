"""The duplicate check never names a customer found through a field protected from the actor.

Otherwise ``POST /api/customers/`` with a guessed tax id answers 409 with the id of the customer
whose hidden tax id it is. The actor only learns that a possible duplicate exists; someone who
may see it is notified.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from guanxi.collaboration.models import Notification
from guanxi.customers.dedup import duplicate_candidates
from guanxi.customers.notifications import POSSIBLE_DUPLICATE
from guanxi.customers.services import customers as services
from guanxi.customers.services.field_rules import field_rule_create

CREATE = reverse("customers:create")
TAX_ID = "91310000MA1FL0ABC0"
PHONE = "13812348000"


def add_rule(org, field: str, mode: str, role: str = "account_manager") -> None:
    field_rule_create(actor=org["admin"], field=field, role=Group.objects.get(name=role), mode=mode)


@pytest.fixture
def existing(org):
    return services.customer_create(
        actor=org["supervisor"],
        owner=org["manager2"],
        name="上海恒通科技有限公司",
        phone=PHONE,
        email="info@hengtong.cn",
        tax_id=TAX_ID,
    )


def notified(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=POSSIBLE_DUPLICATE))


def fresh(org, username):
    return type(org[username]).objects.get(pk=org[username].pk)


@pytest.mark.parametrize(
    ("field", "given"),
    [("customer.tax_id", {"tax_id": TAX_ID}), ("customer.phone", {"phone": PHONE})],
)
def test_a_hidden_field_match_is_not_named_by_the_api(org, api, existing, field, given):
    add_rule(org, field, "hidden")
    response = api("manager2").post("/api/customers/", {"name": "别的公司", **given}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["candidates"] == [] and error["hidden_candidates"] == 0
    assert error["possible_duplicate"] is True
    assert str(existing.pk) not in str(error["candidates"])
    assert "tax" not in error["message"].lower() and "phone" not in error["message"].lower()


def test_without_a_rule_the_match_is_named(org, api, existing):
    response = api("manager2").post(
        "/api/customers/", {"name": "别的公司", "tax_id": TAX_ID}, format="json"
    )
    error = response.json()["error"]
    assert error["candidates"] == [existing.pk] and error["possible_duplicate"] is False


def test_the_owner_is_told_of_a_possible_duplicate_another_user_enters(org, api, existing):
    add_rule(org, "customer.tax_id", "hidden")
    response = api("manager1").post(
        "/api/customers/", {"name": "别的公司", "tax_id": TAX_ID}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["hidden_candidates"] == 0, "not counted as out of scope"
    (notice,) = notified(org["manager2"])
    assert notice.params["name"] == existing.name and notice.url.endswith(f"/{existing.pk}/")
    assert notified(org["manager1"]) == []


def test_a_supervisor_is_told_when_the_owner_is_the_one_entering_it(org, api, existing):
    add_rule(org, "customer.tax_id", "masked")
    api("manager2").post("/api/customers/", {"name": "别的公司", "tax_id": TAX_ID}, format="json")
    assert notified(org["manager2"]) == []
    assert notified(org["supervisor"]), "someone who may see it hears of it"


def test_a_name_match_is_still_named_with_a_rule_on_other_fields(org, existing):
    add_rule(org, "customer.tax_id", "hidden")
    found = duplicate_candidates(actor=fresh(org, "manager2"), name="上海恒通科技", tax_id=TAX_ID)
    assert found.visible == [existing] and found.withheld == []


def test_the_form_says_a_possible_duplicate_exists_without_naming_it(org, login, existing, english):
    add_rule(org, "customer.tax_id", "hidden")
    form = {"name": "别的公司", "kind": "company", "credit_status": "normal", "tax_id": TAX_ID}
    page = login("manager2").post(CREATE, {**form, "owner": org["manager2"].pk}).content.decode()
    assert 'data-testid="duplicate-withheld"' in page
    assert 'data-testid="duplicate-candidate"' not in page and existing.name not in page
    assert existing.code not in page


def test_an_import_row_matching_a_protected_field_names_neither_customer_nor_field(
    org, existing, import_storage, english
):
    from guanxi.core.services.imports import import_job_create, import_job_validate
    from tests.customers.fixtures.imports import csv_bytes, upload

    add_rule(org, "customer.email", "hidden")
    data = csv_bytes([["客户名称", "邮箱"], ["别的公司", "INFO@hengtong.cn"]])
    actor = fresh(org, "manager2")
    job = import_job_create(actor=actor, entity="customers", upload=upload(data, "customers.csv"))
    job = import_job_validate(actor=actor, job=job)
    (finding,) = [entry for entry in job.report if entry["kind"] == "present"]
    assert existing.name not in str(finding) and existing.code not in str(finding)
    assert finding["column"] == "" and "mail" not in finding["message"].lower()
    assert job.created_count == 0 and job.skipped_count == 1
