"""Customer composition 客户构成分析 by province, beside the same report by sales region."""

from guanxi.core.models import Division
from tests.analytics.fixtures.reports import run
from tests.customers.fixtures.customers import CustomerFactory


def test_composition_by_province_lists_the_provinces_with_customers(org):
    shanxi, guangdong = Division.objects.get(pk="140000"), Division.objects.get(pk="440000")
    CustomerFactory.create_batch(2, owner=org["manager1"], province=shanxi)
    CustomerFactory(owner=org["manager1"], province=guangdong)
    CustomerFactory(owner=org["manager1"])
    data = run("customer-composition", org["exec"], by="province")
    rows = {row["key"]: (row["label"], row["customers"]) for row in data["rows"]}
    assert rows == {"140000": ("山西省", 2), "440000": ("广东省", 1), "": (rows[""][0], 1)}
    assert data["summary"]["customers"] == 4
