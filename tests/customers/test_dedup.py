"""Duplicate check on create: same normalised name, phone, e-mail or tax id → warn, then confirm."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from guanxi.customers.dedup import DuplicateError, duplicate_candidates, name_key, phone_digits
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as services

CREATE = reverse("customers:create")


@pytest.fixture
def existing(org):
    return services.customer_create(
        actor=org["manager1"],
        name="上海恒通科技有限公司",
        phone="021-5555 0000",
        email="info@hengtong.cn",
        tax_id="91310000MA1FL0ABC0",
    )


def test_name_key_ignores_width_case_punctuation_and_legal_form():
    assert name_key("上海恒通科技有限公司") == "上海恒通科技"
    assert name_key(" 上海 恒通（科技）股份有限公司 ") == "上海恒通科技"
    assert name_key("ＡＢＣ Trading Co., Ltd.") == name_key("abc trading")
    assert name_key("公司") == "公司"  # a bare legal form is not reduced to nothing


def test_phone_digits_is_the_same_key_for_every_spelling_of_a_number():
    assert phone_digits("(021) 5555-0000") == "862155550000"
    assert phone_digits("０２１５５５５００００") == "862155550000"
    assert phone_digits("+86 21 5555 0000") == "862155550000"
    assert phone_digits("call 5555") == "5555"  # no number: its digits


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "上海恒通科技股份有限公司"},
        {"name": "别的名字", "phone": "(021)55550000"},
        {"name": "别的名字", "email": "INFO@HengTong.cn"},
        {"name": "别的名字", "tax_id": "91310000ma1fl0abc0"},
    ],
)
def test_a_likely_duplicate_is_refused_until_confirmed(org, existing, fields):
    with pytest.raises(DuplicateError) as refused:
        services.customer_create(actor=org["manager1"], confirm_duplicate=False, **fields)
    assert refused.value.duplicates.visible == [existing]
    assert refused.value.code == "duplicate"
    assert Customer.objects.count() == 1
    created = services.customer_create(actor=org["manager1"], confirm_duplicate=True, **fields)
    assert Customer.objects.count() == 2 and created.pk != existing.pk


def test_a_different_customer_passes(org, existing):
    created = services.customer_create(
        actor=org["manager1"], confirm_duplicate=False, name="北京恒通", phone="010-87654321"
    )
    assert created.pk


def test_candidates_outside_the_scope_are_counted_not_named(org, existing):
    duplicates = duplicate_candidates(actor=org["manager2"], name="上海恒通科技")
    assert duplicates.visible == [] and duplicates.hidden_count == 1
    assert bool(duplicates)
    assert duplicate_candidates(actor=org["exec"], name="上海恒通科技").visible == [existing]


def test_deleted_customers_are_no_duplicates(org, existing):
    services.customer_delete(actor=org["manager1"], customer=existing)
    assert not duplicate_candidates(actor=org["manager1"], name=existing.name)


# --- the create page --------------------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {"name": "上海恒通科技股份有限公司", "kind": "company", "credit_status": "normal"}
    data.update(overrides)
    return data


def test_the_form_warns_with_links_and_creates_only_when_confirmed(org, existing, login, english):
    client = login("manager1")
    data = _form(owner=org["manager1"].pk)
    response = client.post(CREATE, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="duplicate-warning"' in content
    assert f'href="{reverse("customers:detail", args=[existing.pk])}"' in content
    assert 'type="checkbox" name="confirm_duplicate"' in content
    assert Customer.objects.count() == 1
    response = client.post(CREATE, {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Customer.objects.count() == 2


def test_the_form_does_not_reveal_customers_out_of_scope(org, existing, login, english):
    response = login("manager2").post(CREATE, _form(owner=org["manager2"].pk))
    content = response.content.decode()
    assert "1 similar customer exists that you cannot see" in content.replace(
        "One similar customer exists", "1 similar customer exists"
    )
    assert reverse("customers:detail", args=[existing.pk]) not in content
    assert existing.code not in content


def test_the_blank_form_has_no_confirmation_box(login):
    content = login("manager1").get(CREATE).content.decode()
    assert 'type="checkbox" name="confirm_duplicate"' not in content


# --- the API ----------------------------------------------------------------------------------


def test_the_api_answers_409_duplicate_with_candidate_ids(org, existing):
    client = APIClient()
    client.force_authenticate(org["manager1"])
    response = client.post("/api/customers/", {"name": "上海恒通科技"}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "duplicate"
    assert error["candidates"] == [existing.pk] and error["hidden_candidates"] == 0
    response = client.post(
        "/api/customers/", {"name": "上海恒通科技", "confirm_duplicate": True}, format="json"
    )
    assert response.status_code == 201
    assert "confirm_duplicate" not in response.json()


def test_the_api_hides_candidates_out_of_scope(org, existing):
    client = APIClient()
    client.force_authenticate(org["manager2"])
    response = client.post("/api/customers/", {"name": "上海恒通科技"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["candidates"] == []
    assert response.json()["error"]["hidden_candidates"] == 1
