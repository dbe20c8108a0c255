"""The sales pickers behind ``GET /pick/<kind>/``: products by name, pinyin, 型号 and code;
opportunities, deals, orders and contracts within the reader's scope."""

from decimal import Decimal

from django.urls import reverse

from guanxi.sales.models import Product
from guanxi.sales.services import pipeline as services_pipeline
from guanxi.sales.services import products as services_products
from tests.sales.fixtures.contracts import make_contract
from tests.sales.fixtures.orders import make_order


def pick(client, kind: str, q: str) -> dict:
    response = client.get(reverse("core:pick", args=[kind]), {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


def labels(answer: dict) -> list[str]:
    return [row["label"] for row in answer["results"]]


def test_products_are_found_by_model_code_pinyin_and_name(login, org, products):
    coded = services_products.product_create(
        actor=org["admin"],
        name="螺纹钢",
        code="GJ-0042",
        model_no="HRB400E",
        price=Decimal("4100.00"),
        category=products["tools"],
    )
    client = login("manager1")
    for term in ("hrb400", "HRB400E", "gj-0042", "0042", "luowengang", "lwg", "螺纹"):
        assert labels(pick(client, "product", term)) == ["螺纹钢 HRB400E"], term
    row = pick(client, "product", "lwg")["results"][0]
    assert row["id"] == coded.pk and row["data"] == {"price": "4100.00"}
    assert row["detail"] == "GJ-0042 · 五金工具 · ¥4100.00"
    # 电钻 DZ-100 by its model and its initials; the inactive printer (DY-7) is not offered.
    assert labels(pick(client, "product", "dz-1")) == ["电钻 DZ-100"]
    assert labels(pick(client, "product", "dz")) == ["电钻 DZ-100"]
    assert pick(client, "product", "DY-7")["results"] == []


def test_a_renamed_product_is_found_by_its_new_name(login, org, products):
    drill = products["drill"]
    services_products.product_update(actor=org["admin"], product=drill, name="冲击钻")
    assert Product.objects.get(pk=drill.pk).search_text.startswith("|冲击钻|chongjizuan|")
    assert labels(pick(login("manager1"), "product", "cjz")) == ["冲击钻 DZ-100"]


def test_records_of_other_teams_are_not_offered(login, org, customers, products):
    mine = make_order(org["manager1"], customers["manager1"], products)
    theirs = make_order(org["manager3"], customers["manager3"], products)
    client = login("manager1")
    assert labels(pick(client, "order", mine.code[:6])) == [mine.code]
    assert pick(client, "order", theirs.code)["results"] == []
    assert labels(pick(client, "order", customers["manager1"].code)) == [mine.code]

    contract = make_contract(org["manager1"], customers["manager1"], title="年度维保合同")
    make_contract(org["manager3"], customers["manager3"], title="年度维保合同")
    assert [row["id"] for row in pick(client, "contract", "维保")["results"]] == [contract.pk]

    deal = services_pipeline.deal_create(
        actor=org["manager1"], customer=customers["manager1"], title="机房扩容", amount=Decimal(1)
    )
    services_pipeline.deal_create(
        actor=org["manager3"], customer=customers["manager3"], title="机房扩容", amount=Decimal(1)
    )
    assert [row["id"] for row in pick(client, "deal", "机房")["results"]] == [deal.pk]


def test_the_product_picker_reads_a_fixed_number_of_queries(
    login, org, products, django_assert_max_num_queries
):
    for number in range(12):
        Product.objects.create(
            name="电钻", model_no=f"DZ-2{number:02d}", price=Decimal(1), category=products["tools"]
        )
    client = login("manager1")
    with django_assert_max_num_queries(6):
        answer = pick(client, "product", "电钻")
    assert len(answer["results"]) == 10 and answer["more"] is True
