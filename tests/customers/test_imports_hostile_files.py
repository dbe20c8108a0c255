"""Hostile and broken xlsx uploads: a workbook without worksheets, or whose XML declares
entities, is a clear error on ``file`` naming the file — in the readers, the customer import
API and the imports of the framework (the lead import among them) — never a 500."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guanxi.core.imports.readers import estimate_rows, open_table
from guanxi.core.models import ImportJob
from guanxi.sales.models import Lead
from tests.customers.fixtures.hostile_files import xlsx_with_entities, xlsx_without_worksheets
from tests.customers.fixtures.imports import upload, xlsx_bytes

NO_SHEET = "“%s” has no worksheet; put the rows on the first sheet."
ENTITIES = (
    "“%s” declares a DOCTYPE or XML entities, which are refused for safety; "
    "open it in Excel and save it again as an xlsx workbook."
)
HOSTILE = [(xlsx_without_worksheets, NO_SHEET), (xlsx_with_entities, ENTITIES)]


def _file_error(action) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        action()
    return refused.value.message_dict["file"]


@pytest.mark.parametrize(("make", "message"), HOSTILE)
def test_the_readers_refuse_the_workbook_naming_the_file(make, message):
    def read_headers():
        with open_table(io.BytesIO(make()), "客户.xlsx") as table:
            return table.headers

    assert _file_error(read_headers) == [message % "客户.xlsx"]
    assert _file_error(lambda: estimate_rows(io.BytesIO(make()), "客户.xlsx")) == [
        message % "客户.xlsx"
    ]


def test_a_damaged_workbook_names_the_file():
    broken = xlsx_bytes([["名称"], ["甲"]])[:-200]  # the zip's directory cut off

    def read_headers():
        with open_table(io.BytesIO(broken), "cut.xlsx") as table:
            return table.headers

    assert _file_error(read_headers) == ["“cut.xlsx” is not a readable xlsx workbook."]


@pytest.mark.usefixtures("import_storage")
@pytest.mark.parametrize(("make", "message"), HOSTILE)
def test_the_customer_import_api_answers_400_on_file(api, make, message):
    response = api("manager1", language="en").post(
        "/api/customers/import/", {"file": upload(make(), "bad.xlsx")}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {"file": [message % "bad.xlsx"]}
    assert not ImportJob.objects.exists()


@pytest.mark.usefixtures("import_storage")
@pytest.mark.parametrize(("make", "message"), HOSTILE)
def test_the_lead_import_refuses_the_file_too(api, org, english, make, message):
    response = api("supervisor", language="en").post(
        "/api/leads/import/", {"file": upload(make(), "leads.xlsx")}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {"file": [message % "leads.xlsx"]}
    assert not Lead.objects.exists()
