"""Lead import 线索导入: CSV and xlsx, the lead service's rules per row, errors naming row and
field (translated), all or nothing, dry run, scoring and routing as for web leads, the row cap;
the page under /sales/leads/ and POST /api/leads/import/."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from guanxi.accounts.models import User
from guanxi.sales.models import Lead, LeadRoutingRule
from guanxi.sales.services import lead_import as services_lead_import
from guanxi.sales.services.lead_import import lead_import
from guanxi.sales.services.leads import lead_create_from_web
from tests.core.fixtures.dictionaries import dictionary

URL = "/api/leads/import/"
HEADER = "姓名,公司,手机,邮箱,地区,备注\n"
GOOD = HEADER + (
    "王五,五星公司,13800000000,w@example.com,华东,想要报价\n"
    "李四,,13900000000,,East China,\n"
    "赵六,六合公司,,,,\n"
)
BAD = HEADER + (
    "王五,五星公司,13800000000,w@example.com,华东,\n"
    ",无名公司,,,,\n"  # row 3: no name
    "李四,,12,not-an-email,火星,\n"  # row 4: phone, e-mail and region
)


@pytest.fixture
def english(org):
    User.objects.update(language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def east_rule(org):
    return LeadRoutingRule.objects.create(team=org["manager1"].team)


def csv_file(text: str, encoding="utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def xlsx_file(rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def run(actor, text=GOOD, **extra):
    return lead_import(actor=actor, file=csv_file(text), name="leads.csv", **extra)


# -- the service -------------------------------------------------------------------------------


def test_every_row_becomes_a_scored_routed_lead_with_the_source_import(org, east_rule):
    result = run(org["supervisor"])
    assert result.ok and result.created == 3 and result.rows == 3
    leads = {lead.name: lead for lead in Lead.objects.all()}
    assert set(leads) == {"王五", "李四", "赵六"}
    assert {lead.source for lead in leads.values()} == {Lead.Source.IMPORT}
    first = leads["王五"]
    assert first.region == dictionary("region", "east")
    assert first.score == 75  # company 20, phone 20, e-mail 15, region 10, notes 5, import 5
    assert leads["李四"].region == dictionary("region", "east")  # by its English name
    # Round-robin in the east team, exactly as web-form leads are routed.
    one, two = sorted([org["manager1"], org["manager2"]], key=lambda user: user.pk)
    assert [leads[name].owner for name in ("王五", "李四", "赵六")] == [one, two, one]
    assert all(lead.status == Lead.Status.ASSIGNED for lead in leads.values())
    assert lead_create_from_web(name="网页线索").owner == two  # the turn carries on


def test_xlsx_and_gbk_csv_are_read_too(org):
    rows = [["Name", "Company", "Phone"], ["Wang Wu", "Five Star", 13800000000]]
    result = lead_import(actor=org["manager1"], file=xlsx_file(rows), name="leads.xlsx")
    assert result.created == 1
    assert Lead.objects.get(name="Wang Wu").phone == "+8613800000000"
    result = lead_import(actor=org["manager1"], file=csv_file(GOOD, "gb18030"), name="l.csv")
    assert result.created == 3
    # Without a routing rule an account manager keeps what they import (as when typed in).
    assert set(Lead.objects.values_list("owner", flat=True)) == {org["manager1"].pk}


def test_bad_rows_are_reported_by_row_and_field_and_nothing_is_kept(org, east_rule, english):
    result = run(org["supervisor"], BAD)
    assert not result.ok and result.created == 0
    assert Lead.objects.count() == 0
    assert LeadRoutingRule.objects.get().last_assigned is None  # the turn was not used up
    found = {(error.row, error.field) for error in result.errors}
    # The lead service names the first bad field of its own (the phone), the region is the
    # import's own lookup: both are reported for row 4.
    assert found == {(3, "name"), (4, "phone"), (4, "region")}
    messages = {str(error) for error in result.errors}
    assert "Row 3, Name: Enter the name of the person." in messages
    assert any(message.startswith("Row 4, Phone: ") for message in messages)
    assert "Row 4, Region: “火星” is not a region in the dictionary." in messages


def test_errors_are_translated(org):
    with translation.override("zh-hans"):
        result = run(org["supervisor"], BAD)
    name_error = next(error for error in result.errors if error.field == "name")
    assert name_error.message == "请输入联系人姓名。"


def test_a_dry_run_checks_and_routes_but_keeps_nothing(org, east_rule):
    result = run(org["supervisor"], dry_run=True)
    assert result.ok and result.dry_run and result.created == 0 and len(result.leads) == 3
    assert [row for row, _lead in result.leads] == [2, 3, 4]
    assert result.leads[0][1].owner in (org["manager1"], org["manager2"])
    assert result.leads[0][1].score == 75
    assert Lead.objects.count() == 0
    assert LeadRoutingRule.objects.get().last_assigned is None


def test_the_file_and_the_mapping_are_checked(org, english, monkeypatch):
    with pytest.raises(ValidationError) as refused:
        run(org["manager1"], "公司,电话\n某公司,13800000000\n")
    assert refused.value.message_dict["mapping"] == ["Choose the column that holds “Name”."]
    with pytest.raises(ValidationError) as refused:
        run(org["manager1"], mapping={"姓名": "owner"})
    assert refused.value.message_dict["mapping"] == ["“owner” is not a lead field."]
    # A chosen mapping: the "公司" column ignored.
    result = run(org["manager1"], mapping={"姓名": "name", "公司": ""})
    assert result.created == 3 and not Lead.objects.exclude(company="").exists()
    monkeypatch.setattr(services_lead_import, "MAX_LEAD_IMPORT_ROWS", 2)
    with pytest.raises(ValidationError) as refused:
        run(org["manager1"])
    assert refused.value.message_dict["file"] == [
        "The file has more than 2 rows; split it into smaller files."
    ]
    with pytest.raises(ValidationError) as refused:
        lead_import(actor=org["manager1"], file=csv_file("x"), name="old.xls")
    assert "file" in refused.value.message_dict


def test_importing_needs_the_right_to_add_leads(org):
    with pytest.raises(PermissionDenied):
        run(org["exec"])
    assert Lead.objects.count() == 0


# -- the page ----------------------------------------------------------------------------------


def upload(text=GOOD, name="leads.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_page_is_reachable_from_the_list_and_previews_then_imports(
    org, login, east_rule, english
):
    client = login("supervisor")
    url = reverse("sales:lead_import")
    assert url == "/sales/leads/import/"
    assert url in client.get(reverse("sales:lead_list")).content.decode()
    page = client.get(url).content.decode()
    assert 'id="id_dry_run" checked' in page  # a preview unless told otherwise
    preview = client.post(url, {"file": upload(), "dry_run": "on"})
    text = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="lead-import-preview"' in text
    assert "六合公司" in text and Lead.objects.count() == 0
    done = client.post(url, {"file": upload()})
    assert done.status_code == 302 and done["Location"] == reverse("sales:lead_list")
    assert Lead.objects.filter(source=Lead.Source.IMPORT).count() == 3


def test_the_page_lists_each_refused_row(org, login, english):
    client = login("manager1")
    response = client.post(reverse("sales:lead_import"), {"file": upload(BAD)})
    text = response.content.decode()
    assert 'data-testid="lead-import-errors"' in text
    assert "Enter the name of the person." in text and '<td data-label="Row">4</td>' in text
    assert Lead.objects.count() == 0
    bad_file = client.post(reverse("sales:lead_import"), {"file": upload("x", "old.xls")})
    assert "Old .xls files cannot be read" in bad_file.content.decode()


def test_the_page_needs_the_right_to_add_leads(login):
    assert login("exec").get(reverse("sales:lead_import")).status_code == 403


# -- the API -----------------------------------------------------------------------------------


def test_api_dry_run_then_import(api, org, east_rule):
    client = api("supervisor")
    preview = client.post(URL, {"file": upload(), "dry_run": "true"}, format="multipart")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["dry_run"] is True and body["created"] == 0 and len(body["leads"]) == 3
    assert body["leads"][0]["id"] is None and body["leads"][0]["owner"] is not None
    assert body["mapping"]["姓名"] == "name"
    assert Lead.objects.count() == 0
    done = client.post(URL, {"file": upload()}, format="multipart")
    assert done.status_code == 201
    assert done.json()["created"] == 3
    ids = [row["id"] for row in done.json()["leads"]]
    assert set(Lead.objects.values_list("pk", flat=True)) == set(ids)


def test_api_refused_rows_are_400_naming_row_and_field(api, org, english):
    response = api("manager1", language="en").post(URL, {"file": upload(BAD)}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_rows"
    assert {
        "row": 3,
        "field": "name",
        "label": "Name",
        "message": "Enter the name of the person.",
    } in error["rows"]
    assert Lead.objects.count() == 0


def test_api_bad_mapping_file_and_rights(api, org, english):
    client = api("manager1", language="en")
    bad = client.post(URL, {"file": upload(), "mapping": "[1]"}, format="multipart")
    assert bad.status_code == 400 and "mapping" in bad.json()["error"]["fields"]
    missing = client.post(URL, {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]
    assert api("exec").post(URL, {"file": upload()}, format="multipart").status_code == 403
    assert api().post(URL, {"file": upload()}, format="multipart").status_code == 401


def test_api_import_is_in_the_schema(openapi_schema):
    schema = openapi_schema
    operation = schema["paths"]["/api/leads/import/"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"200", "201", "400"} <= set(operation["responses"])
