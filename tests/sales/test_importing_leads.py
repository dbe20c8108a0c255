"""Lead import 线索导入 on the import framework: Chinese headers, scored and routed like a web
lead (source import), owner by display name, disqualified leads with their reason and date,
idempotent re-import, duplicates, errors naming row and column, the dry run keeping nothing,
rights, the page and the API (it replaced the all-or-nothing lead import)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.core.models import ImportJob
from guanxi.core.services.imports import import_job_create, import_job_validate
from guanxi.sales.models import Lead, LeadRoutingRule
from guanxi.sales.services.leads import lead_create_from_web
from tests.core.fixtures.dictionaries import dictionary
from tests.core.fixtures.imports import (  # noqa: F401
    csv_bytes,
    entity_import_storage,
    report_rows,
    run_import,
    upload,
)

pytestmark = pytest.mark.usefixtures("entity_import_storage")

HEADER = ["线索名称", "公司名称", "手机", "邮箱", "地区", "备注"]
GOOD = [
    HEADER,
    ["王五", "五星公司", "13800000000", "w@example.com", "华东", "想要报价"],
    ["李四", "", "13900000000", "", "East China", ""],
    ["赵六", "六合公司", "", "", "", ""],
]
BAD = [
    HEADER,
    ["王五", "五星公司", "13800000000", "w@example.com", "华东", ""],
    ["", "无名公司", "", "", "", ""],  # row 3: no name
    ["李四", "", "12", "not-an-email", "火星", ""],  # row 4: phone, e-mail and region
]


@pytest.fixture
def east_rule(org):
    return LeadRoutingRule.objects.create(team=org["manager1"].team)


def test_every_row_becomes_a_scored_routed_lead_with_the_source_import(org, east_rule):
    job = run_import(org["supervisor"], "leads", GOOD)
    assert job.state == ImportJob.State.DONE and job.created_count == 3, job.report
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


def test_xlsx_and_gbk_csv_are_read_and_a_manager_keeps_what_they_import(org):
    rows = [["Name", "Company", "Phone"], ["Wang Wu", "Five Star", 13800000000]]
    assert run_import(org["manager1"], "leads", rows, name="leads.xlsx").created_count == 1
    assert Lead.objects.get(name="Wang Wu").phone == "+8613800000000"
    job = run_import(org["manager1"], "leads", GOOD, encoding="gb18030")
    assert job.created_count == 3, job.report
    # Without a routing rule an account manager keeps what they import (as when typed in).
    assert set(Lead.objects.values_list("owner", flat=True)) == {org["manager1"].pk}


def test_bad_rows_are_reported_by_row_and_column(org, east_rule, english):
    job = run_import(org["supervisor"], "leads", BAD)
    assert (job.created_count, job.error_count) == (1, 2)
    lines = report_rows(job.report_file.read())
    assert [line[0] for line in lines[1:]] == ["", "李四"]  # rows 3 and 4, as uploaded
    assert "线索名称: This field is required." in lines[1][-1]
    assert "地区: “火星” is not in the dictionary “Region”." in lines[2][-1]
    columns = {(k["kind"], k["column"]) for k in job.kind_counts}
    assert {("required", "线索名称"), ("invalid", "地区")} <= columns
    # The lead service names the bad phone once the region is right.
    again = run_import(org["supervisor"], "leads", [HEADER, ["李四", "", "12", "", "", ""]])
    assert again.kind_counts[0]["kind"] == "refused" and again.kind_counts[0]["column"] == "手机"
    assert Lead.objects.count() == 1


def test_messages_are_in_the_importers_language(org):
    with translation.override("zh-hans"):
        job = run_import(org["supervisor"], "leads", BAD, commit=False)
    assert any("必填" in entry["message"] or "必须" in entry["message"] for entry in job.report)


def test_a_dry_run_routes_nothing_and_keeps_nothing(org, east_rule):
    job = run_import(org["supervisor"], "leads", GOOD, commit=False)
    assert job.state == ImportJob.State.VALIDATED and job.created_count == 3
    assert Lead.objects.count() == 0
    assert LeadRoutingRule.objects.get().last_assigned is None


def test_owner_by_display_name_and_disqualified_leads_keep_reason_and_date(org, english):
    headers = ["姓名", "公司", "负责人", "跟进状态", "无效原因", "关闭时间", "外部编号", "创建时间"]
    job = run_import(
        org["supervisor"],
        "leads",
        [
            headers,
            ["钱七", "七星", "刘洋", "", "", "", "L-1", "2019-04-01 08:00"],
            ["孙八", "八方", "张伟", "Disqualified", "没有预算", "2020-01-02 10:00", "L-2", ""],
            ["周九", "", "", "converted", "", "", "L-3", ""],
        ],
    )
    assert job.created_count == 2 and job.error_count == 1, job.report
    kept = Lead.objects.get(external_ref="L-1")
    assert kept.owner == org["manager2"] and kept.status == Lead.Status.ASSIGNED
    assert timezone.localtime(kept.created_at).replace(tzinfo=None) == datetime(2019, 4, 1, 8)
    closed = Lead.objects.get(external_ref="L-2")
    assert closed.status == Lead.Status.DISQUALIFIED and closed.disqualify_reason == "没有预算"
    assert timezone.localtime(closed.closed_at).replace(tzinfo=None) == datetime(2020, 1, 2, 10)
    assert job.kind_counts[0]["column"] == "跟进状态"


def test_a_closing_date_in_the_future_is_refused(org):
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    job = run_import(
        org["manager1"],
        "leads",
        [["姓名", "跟进状态", "无效原因", "关闭时间"], ["吴十", "无效", "重复", tomorrow]],
    )
    assert job.error_count == 1 and job.kind_counts[0]["kind"] == "future"


def test_reimport_is_idempotent_and_a_repeated_lead_is_a_duplicate(org):
    rows = [
        ["姓名", "公司", "手机", "外部编号"],
        ["王五", "五星公司", "13800000000", "X-1"],
        ["李四", "", "139 0000 0000", ""],
    ]
    assert run_import(org["manager1"], "leads", rows).created_count == 2
    again = run_import(org["manager1"], "leads", rows)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)
    assert {k["kind"] for k in again.kind_counts} == {"present"}
    rows[1][1] = "五星集团"
    changed = run_import(org["manager1"], "leads", rows)
    assert changed.updated_count == 1
    assert Lead.objects.get(external_ref="X-1").company == "五星集团"
    assert Lead.objects.count() == 2


def test_a_manager_may_not_give_leads_to_another_team(org, english):
    job = run_import(org["manager1"], "leads", [["姓名", "负责人"], ["郑一", "manager3"]])
    assert job.error_count == 1 and job.kind_counts[0]["kind"] == "refused"
    assert not Lead.objects.exists()


def test_importing_needs_the_right_to_add_leads(org, login, api):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_job_create(
            actor=org["exec"], entity="leads", upload=upload(csv_bytes(GOOD), "l.csv")
        )
    assert login("exec").get(reverse("sales:leads_import")).status_code == 403
    assert api("exec").post("/api/leads/import/", {}, format="multipart").status_code == 403


def test_the_page_is_linked_from_the_list_and_the_api_round_trip(org, login, api, english):
    client = login("supervisor")
    url = reverse("sales:leads_import")
    assert url == "/sales/leads/import/"
    assert url in client.get(reverse("sales:lead_list")).content.decode()
    assert client.get(url).status_code == 200
    rest = api("supervisor")
    created = rest.post(
        "/api/leads/import/",
        {"file": upload(csv_bytes(GOOD), "leads.csv"), "dry_run": "false"},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["state"] == "done" and body["created"] == 3 and body["mapping"]["线索名称"] == "name"
    )
    assert rest.get(f"/api/leads/import/{body['id']}/").json()["created"] == 3
    lead = Lead.objects.get(name="王五")
    assert rest.get(f"/api/leads/{lead.pk}/").json()["external_ref"] is None


def test_the_validation_job_is_the_importers_own(org):
    job = import_job_create(
        actor=org["manager1"], entity="leads", upload=upload(csv_bytes(GOOD), "l.csv")
    )
    assert import_job_validate(actor=org["manager1"], job=job).created_count == 3
