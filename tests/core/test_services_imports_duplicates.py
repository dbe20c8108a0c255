"""Rows that repeat a present record without naming it by external id: each names its
candidate, and the job's choice — for all rows or row by row — skips it, updates the candidate
(through the services, with the fields chosen) or creates a new record anyway; the check
tells exactly what the commit does."""

import pytest
from django.core.exceptions import ValidationError

from guanxi.core.imports.duplicates import CREATE, SKIP, UPDATE, DuplicatePolicy
from guanxi.core.imports.registry import ImportRow
from guanxi.core.models import ImportJob
from guanxi.core.services.imports import (
    import_job_commit,
    import_job_create,
    import_job_duplicates_set,
    import_job_validate,
)
from guanxi.customers.models import Contact
from guanxi.sales.models import Product, ProductCategory
from tests.core.fixtures.imports import (  # noqa: F401
    csv_bytes,
    entity_import_storage,
    report_rows,
    upload,
)
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.usefixtures("entity_import_storage")

HEADERS = ["Customer", "Contact name", "Job title", "Mobile"]


def check(actor, entity, rows, duplicates=None):
    job = import_job_create(actor=actor, entity=entity, upload=upload(csv_bytes(rows)))
    job = import_job_validate(actor=actor, job=job, duplicates=duplicates)
    assert job.state == ImportJob.State.VALIDATED, job.error
    return job


def counts(job):
    return (job.created_count, job.updated_count, job.skipped_count, job.error_count)


@pytest.fixture
def present(org):
    """A customer with three contacts the file repeats."""
    customer = CustomerFactory(owner=org["manager1"], code="KH-D-1", name="云杉科技")
    contacts = {
        name: Contact.objects.create(customer=customer, name=name, title="工程师")
        for name in ("王芳", "李雷", "韩梅")
    }
    return customer, contacts


def rows_repeating():
    return [
        HEADERS,
        ["KH-D-1", "王芳", "采购经理", "13800138000"],
        ["KH-D-1", "李雷", "总监", ""],
        ["KH-D-1", "韩梅", "", "13900139000"],
    ]


def test_by_default_duplicates_are_skipped_and_name_their_candidate(org, present, english):
    customer, contacts = present
    job = check(org["manager1"], "contacts", rows_repeating())
    assert counts(job) == (0, 0, 3, 0)
    found = job.duplicates_found
    assert (found["count"], found["choices"]) == (3, {"skip": 3})
    first = found["rows"][0]
    assert first["row"] == 2 and first["choice"] == "skip"
    assert first["keys"] == [["Customer", "KH-D-1"], ["Contact name", "王芳"]]
    assert first["candidate"]["label"] == f"王芳 · {customer}"
    assert first["candidate"]["url"] == customer.get_absolute_url()
    entry = job.report[0]
    assert entry["kind"] == "present" and entry["candidate"] == first["candidate"]
    assert "王芳" in entry["message"] and customer.name in entry["message"]
    assert {(k["kind"], k["count"]) for k in job.kind_counts} == {("present", 3)}
    rows = report_rows(job.report_file.read())
    assert rows[0][-2:] == ["Present record", "Problems"]
    assert rows[1][-2].startswith(f"王芳 · {customer}") and "Skip the row" in rows[1][-2]
    job = import_job_commit(actor=org["manager1"], job=job)
    assert counts(job) == (0, 0, 3, 0)
    assert Contact.objects.filter(customer=customer).count() == 3


def test_update_for_all_goes_through_the_services_with_the_non_empty_cells(org, present):
    customer, contacts = present
    actor = org["manager1"]
    job = check(actor, "contacts", rows_repeating(), {"all": UPDATE})
    assert counts(job) == (0, 3, 0, 0)
    assert Contact.objects.get(pk=contacts["王芳"].pk).title == "工程师"  # a dry run
    job = import_job_commit(actor=actor, job=job)
    assert counts(job) == (0, 3, 0, 0)  # the check told what the commit did
    wang = Contact.objects.get(pk=contacts["王芳"].pk)
    assert (wang.title, wang.mobile) == ("采购经理", "+8613800138000")
    # An empty cell never clears a field.
    assert Contact.objects.get(pk=contacts["韩梅"].pk).title == "工程师"
    latest = wang.history.latest()
    assert (latest.history_type, latest.history_user) == ("~", actor)
    assert Contact.objects.filter(customer=customer).count() == 3


def test_update_writes_only_the_fields_chosen(org, present):
    _customer, contacts = present
    actor = org["manager1"]
    job = check(actor, "contacts", rows_repeating(), {"all": UPDATE, "fields": ["mobile"]})
    # 李雷's row has no mobile: nothing of it is chosen, so nothing changes.
    assert counts(job) == (0, 2, 1, 0)
    import_job_commit(actor=actor, job=job)
    wang = Contact.objects.get(pk=contacts["王芳"].pk)
    assert (wang.title, wang.mobile) == ("工程师", "+8613800138000")
    assert Contact.objects.get(pk=contacts["李雷"].pk).title == "工程师"


def test_create_anyway_adds_a_second_record(org, present):
    customer, _contacts = present
    actor = org["manager1"]
    job = check(actor, "contacts", rows_repeating()[:2], {"all": CREATE})
    assert counts(job) == (1, 0, 0, 0)
    assert job.duplicates_found["rows"][0]["choice"] == "create"
    job = import_job_commit(actor=actor, job=job)
    assert counts(job) == (1, 0, 0, 0)
    assert Contact.objects.filter(customer=customer, name="王芳").count() == 2


def test_choices_per_row_override_the_choice_for_all(org, present):
    customer, contacts = present
    actor = org["manager1"]
    policy = {"all": SKIP, "rows": {"3": UPDATE, "4": CREATE}}
    job = check(actor, "contacts", rows_repeating(), policy)
    assert counts(job) == (1, 1, 1, 0)
    assert job.duplicates_found["choices"] == {"create": 1, "skip": 1, "update": 1}
    assert [r["choice"] for r in job.duplicates_found["rows"]] == ["skip", "update", "create"]
    job = import_job_commit(actor=actor, job=job)
    assert counts(job) == (1, 1, 1, 0)
    assert Contact.objects.get(pk=contacts["王芳"].pk).title == "工程师"
    assert Contact.objects.get(pk=contacts["李雷"].pk).title == "总监"
    assert Contact.objects.filter(customer=customer, name="韩梅").count() == 2


def test_choosing_again_checks_again_and_the_commit_follows(org, present):
    _customer, contacts = present
    actor = org["manager1"]
    job = check(actor, "contacts", rows_repeating())
    job = import_job_duplicates_set(actor=actor, job=job, duplicates={"rows": {"2": UPDATE}})
    assert job.state == ImportJob.State.VALIDATED
    assert counts(job) == (0, 1, 2, 0)
    # A commit may bring its own choice; it checks every row again anyway.
    job = import_job_commit(actor=actor, job=job, duplicates={"all": UPDATE, "fields": ["title"]})
    assert counts(job) == (0, 2, 1, 0)
    assert Contact.objects.get(pk=contacts["李雷"].pk).title == "总监"


@pytest.mark.parametrize(
    ("policy", "named"),
    [
        ({"all": "merge"}, "merge"),
        ({"rows": {"9": UPDATE}}, "9"),
        ({"rows": {"2": "later"}}, "later"),
        ({"all": UPDATE, "fields": ["customer"]}, "customer"),
        ({"all": UPDATE, "fields": ["price"]}, "price"),
        ({"everything": SKIP}, "everything"),
        (["skip"], "all"),
    ],
)
def test_a_bad_policy_is_refused_naming_what_is_wrong(org, present, english, policy, named):
    actor = org["manager1"]
    job = check(actor, "contacts", rows_repeating())
    with pytest.raises(ValidationError) as refused:
        import_job_duplicates_set(actor=actor, job=job, duplicates=policy)
    messages = refused.value.message_dict
    assert list(messages) == ["duplicates"] and named in messages["duplicates"][0]
    job.refresh_from_db()
    assert job.duplicates == {} and counts(job) == (0, 0, 3, 0)


def test_products_update_only_the_price_chosen(org):
    category = ProductCategory.objects.create(name="茶")
    product = Product.objects.create(name="乌龙", model_no="A1", category=category, price=10)
    actor = org["supervisor"]
    rows = [["产品名称", "型号", "类别", "单价", "启用"], ["乌龙", "A1", "茶", "12.50", "否"]]
    job = check(actor, "products", rows, {"all": UPDATE, "fields": ["price"]})
    assert counts(job) == (0, 1, 0, 0)
    assert job.report[0]["candidate"]["url"] == product.get_absolute_url()
    import_job_commit(actor=actor, job=job)
    product.refresh_from_db()
    assert (str(product.price), product.is_active) == ("12.50", True)
    assert product.history.latest().history_user == actor


def test_interactions_name_the_present_interaction(org, english):
    from datetime import datetime

    from django.utils import timezone

    from guanxi.customers.models import Interaction

    customer = CustomerFactory(owner=org["manager1"], code="KH-D-2")
    interaction = Interaction.objects.create(
        customer=customer,
        occurred_at=timezone.make_aware(datetime(2023, 3, 1)),
        summary="Kick-off",
    )
    job = check(
        org["manager1"],
        "interactions",
        [["Customer", "Date", "Summary", "Place"], ["KH-D-2", "2023-03-01", "Kick-off", "上海"]],
        {"all": UPDATE},
    )
    assert counts(job) == (0, 1, 0, 0)
    candidate = job.duplicates_found["rows"][0]["candidate"]
    assert candidate["url"] == interaction.get_absolute_url()
    assert candidate["label"].startswith("Kick-off · ")


def test_a_create_anyway_row_tells_the_importer_so():
    # A service that refuses likely duplicates (customers) reads this flag to accept the row.
    candidate = object()
    for choice, anyway in ((CREATE, True), (UPDATE, False), (SKIP, False)):
        row = ImportRow(number=2, cells=[], values={"name": "x", "notes": "y"})
        row.mark_duplicate(candidate, "name", "same name")
        DuplicatePolicy(all=choice, fields=("notes",)).apply(row, ("name", "notes"))
        assert row.create_anyway is anyway
        assert row.existing is (candidate if choice == UPDATE else None)
    assert row.outcome == "unchanged"
    row = ImportRow(number=2, cells=[], values={"name": "x", "notes": "y"})
    row.mark_duplicate(candidate, "name", "same name")
    DuplicatePolicy(all=UPDATE, fields=("notes",)).apply(row, ("name", "notes"))
    assert row.values == {"notes": "y"} and row.outcome == ""


def test_candidates_are_found_for_a_whole_batch_at_once(org, present):
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanxi.core.imports.engine import FilePass

    def queries(times):
        rows = [HEADERS] + [["KH-D-1", name, "", ""] for name in ("王芳", "李雷", "韩梅")] * times
        file_pass = FilePass(
            entity="contacts",
            actor=org["manager1"],
            mapping=dict(zip(HEADERS, ["customer", "name", "title", "mobile"], strict=True)),
        )
        with CaptureQueriesContext(connection) as captured:
            result = file_pass.run(io.BytesIO(csv_bytes(rows)), "contacts.csv", dry_run=True)
        assert result.counts["unchanged"] == 3 * times
        result.report.close().close()
        return len(captured)

    queries(1)  # caches filled (rights, dictionaries)
    assert queries(1) == queries(20)
