"""The customer export API: scope, the API list's filters, xlsx, errors naming the field."""

import pytest

from guanxi.core import export
from tests.core.fixtures.exports import exported_codes, xlsx_rows
from tests.customers.fixtures.customers import SCOPE
from tests.customers.fixtures.exports import grant_export_right

# -- the API export ---------------------------------------------------------------------------

API_EXPORT = "/api/customers/export/"


@pytest.mark.parametrize("username", sorted(SCOPE))
def test_api_export_holds_exactly_the_users_scope(username, customers, login, english, org):
    # Assistants may not export by default; given the right, they export only their scope.
    grant_export_right(org[username])
    response = login(username).get(API_EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert exported_codes(response) == {customers[key].code for key in SCOPE[username]}


def test_api_export_filters_like_the_api_list_and_serves_xlsx(customers, login, org, english):
    client = login("exec")
    pool = client.get(API_EXPORT, {"format": "csv", "in_pool": "true"})
    assert exported_codes(pool) == {customers["pool"].code}
    owned = client.get(API_EXPORT, {"owner": org["manager2"].pk})  # CSV by default
    assert exported_codes(owned) == {customers["manager2"].code}
    chosen = f"{customers['manager1'].pk},{customers['manager3'].pk}"
    xlsx = client.get(API_EXPORT, {"format": "xlsx", "ids": chosen})
    assert xlsx["Content-Type"] == export.XLSX_CONTENT_TYPE
    assert {row[0] for row in xlsx_rows(xlsx)[1:]} == {
        customers["manager1"].code,
        customers["manager3"].code,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [({"format": "pdf"}, "format"), ({"ids": "1;2"}, "ids"), ({"sort": "password"}, "sort")],
)
def test_api_export_bad_input_is_a_json_400_naming_the_field(customers, login, params, field):
    response = login("manager1").get(API_EXPORT, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_api_export_needs_authentication(customers, client):
    assert client.get(API_EXPORT).status_code == 401
