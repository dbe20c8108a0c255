"""The customer and contact pickers behind ``GET /pick/<kind>/``: pinyin, scope and masking."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from guanxi.customers.services.field_rules import field_rule_create
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

PHONE = "13812348000"


def pick(client, kind: str, q: str) -> dict:
    response = client.get(reverse("core:pick", args=[kind]), {"q": q})
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    return response.json()


def labels(answer: dict) -> list[str]:
    return [row["label"] for row in answer["results"]]


@pytest.fixture
def zhangwei(org):
    return CustomerFactory(owner=org["manager1"], name="张伟贸易有限公司", phone=PHONE)


def test_pinyin_initials_full_pinyin_and_code_find_the_customer(login, org, zhangwei):
    client = login("manager1")
    for term in ("zw", "zhangwei", "张伟", zhangwei.code.lower()):
        assert labels(pick(client, "customer", term)) == ["张伟贸易有限公司"], term
    row = pick(client, "customer", "zw")["results"][0]
    assert row["id"] == zhangwei.pk
    # The second line: code · owner · region · phone.
    assert row["detail"].startswith(f"{zhangwei.code} · 张伟")
    assert PHONE in row["detail"]


def test_a_customer_of_another_team_is_not_offered(login, org, zhangwei):
    north = CustomerFactory(owner=org["manager3"], name="张伟机械有限公司")
    assert labels(pick(login("manager1"), "customer", "zw")) == ["张伟贸易有限公司"]
    assert labels(pick(login("manager3"), "customer", "zw")) == ["张伟机械有限公司"]
    # The supervisor of the east team sees manager1's, not the north team's.
    assert north.name not in labels(pick(login("supervisor"), "customer", "zw"))
    assert set(labels(pick(login("exec"), "customer", "zw"))) == {zhangwei.name, north.name}


def test_a_masked_phone_finds_nothing_and_shows_masked(login, org, zhangwei):
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode="masked",
    )
    client = login("manager1")
    assert pick(client, "customer", PHONE)["results"] == []
    assert pick(client, "customer", "8000")["results"] == []
    row = pick(client, "customer", "zw")["results"][0]
    assert "138****8000" in row["detail"] and PHONE not in row["detail"]
    # The supervisor has no rule: searches by the phone and sees it in full.
    row = pick(login("supervisor"), "customer", PHONE)["results"][0]
    assert row["id"] == zhangwei.pk and PHONE in row["detail"]


def test_one_character_answers_nothing_and_more_says_so(login, org):
    for number in range(12):
        CustomerFactory(owner=org["manager1"], name=f"华东贸易{number}号")
    client = login("manager1")
    assert pick(client, "customer", "华")["results"] == []
    answer = pick(client, "customer", "华东")
    assert len(answer["results"]) == 10 and answer["more"] is True


def test_contacts_are_found_by_name_pinyin_within_scope(login, org):
    mine = CustomerFactory(owner=org["manager1"], name="甲乙科技")
    ContactFactory(customer=mine, name="王芳", title="采购经理", mobile="13912345678")
    theirs = CustomerFactory(owner=org["manager3"], name="丙丁科技")
    ContactFactory(customer=theirs, name="王芳")
    answer = pick(login("manager1"), "contact", "wf")
    assert labels(answer) == ["王芳"]
    assert answer["results"][0]["detail"].startswith("甲乙科技 · 采购经理")


def test_the_endpoint_needs_a_sign_in_and_a_known_kind(client, login, org):
    url = reverse("core:pick", args=["customer"])
    assert client.get(url, {"q": "zw"}).status_code == 302
    assert login("manager1").get(reverse("core:pick", args=["nothing"])).status_code == 404
    assert login("manager1").post(url, {"q": "zw"}).status_code == 405


def test_the_customer_picker_reads_a_fixed_number_of_queries(
    login, org, django_assert_max_num_queries
):
    for number in range(10):
        customer = CustomerFactory(owner=org["manager1"], name=f"张伟商贸{number}")
        ContactFactory(customer=customer)
    client = login("manager1")
    with django_assert_max_num_queries(8):
        answer = pick(client, "customer", "zw")
    assert len(answer["results"]) == 10
