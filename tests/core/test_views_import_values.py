"""The import pages' value step, profiles and limits: what a user sees and can do."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.core.imports.limits import ENVELOPE_BYTES
from guanxi.core.imports.readers import MAX_IMPORT_BYTES
from guanxi.core.imports.registry import importer_for
from guanxi.core.models import ImportJob, ImportProfile
from guanxi.core.services.imports import import_job_create
from tests.core.fixtures.imports import csv_bytes, entity_import_storage, upload  # noqa: F401
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.usefixtures("entity_import_storage")


def _interactions_job(org, names):
    customer = CustomerFactory(owner=org["manager1"])
    rows = [["客户编号", "日期", "概要", "记录人"]] + [
        [customer.code, f"2024-03-{i + 1:02d}", f"拜访{i}", name] for i, name in enumerate(names)
    ]
    return import_job_create(
        actor=org["supervisor"], entity="interactions", upload=upload(csv_bytes(rows))
    )


def _url(step, job):
    return reverse(f"customers:interactions_import_{step}", args=[job.pk])


def test_the_upload_page_states_the_limits_and_offers_profiles(org, login, english):
    page = login("supervisor").get(reverse("sales:products_import"))
    text = page.content.decode()
    assert 'data-testid="import-limits"' in text
    assert "At most 50 MB and 200000 rows per file" in text
    assert f'data-import-max-bytes="{MAX_IMPORT_BYTES}"' in text
    assert "import-limits.js" in text
    contacts = login("supervisor").get(reverse("customers:contacts_import")).content.decode()
    assert 'value="auto"' in contacts and 'value="salesforce"' in contacts


def test_a_declared_upload_beyond_the_limit_is_refused_on_the_file_field(org, login, english):
    client = login("supervisor")
    response = client.generic(
        "POST",
        reverse("sales:products_import"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(MAX_IMPORT_BYTES + ENVELOPE_BYTES + 1),
    )
    assert response.status_code == 400
    assert "The file is larger than 50 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_chunked_upload_is_cut_off_at_the_limit(org, login, english, monkeypatch):

    monkeypatch.setattr(importer_for("products"), "max_bytes", 10)
    data = csv_bytes([["产品名称", "类别", "单价"], ["a long enough name", "茶", "10"]])
    response = login("supervisor").post(
        reverse("sales:products_import"),
        {"file": SimpleUploadedFile("big.csv", data), "mode": "valid_rows"},
    )
    assert response.status_code == 400
    assert "The file is larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_value_step_lists_values_and_saves_the_choices(org, login, english):
    job = _interactions_job(org, ["老张", "老张", "张伟"])
    client = login("supervisor")
    detail = client.get(reverse("customers:interactions_import_detail", args=[job.pk]))
    assert 'data-testid="import-values-link"' in detail.content.decode()
    page = client.get(_url("values", job))
    assert page.status_code == 200
    text = page.content.decode()
    assert "老张" in text and 'data-source="auto"' in text and 'data-source="none"' in text
    form = page.context["form"]
    (rows,) = form.rows
    names = {value.text: field.html_name for value, field in rows}
    data = {name: field.value() for name, field in ((f.html_name, f) for f in form)}
    data = {key: "" if value is None else value for key, value in data.items()}
    data[names["老张"]] = str(org["manager2"].pk)
    data["check"] = "1"
    response = client.post(_url("values", job), data)
    assert response.status_code == 302, response.context["form"].errors
    job.refresh_from_db()
    assert job.value_mapping["owner"]["老张"] == org["manager2"].pk
    assert job.state == ImportJob.State.VALIDATED and job.error_count == 0


def test_the_mapping_form_leads_to_the_value_step(org, login):
    job = _interactions_job(org, ["老张"])
    data = {
        f"column_{i}": name
        for i, name in enumerate(["customer", "occurred_at", "summary", "owner"])
    }
    response = login("supervisor").post(_url("check", job), {**data, "then": "values"})
    assert response.status_code == 302 and response["Location"] == _url("values", job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.UPLOADED and job.mapping["记录人"] == "owner"


def test_save_as_profile_and_the_profiles_page(org, login, english):
    job = _interactions_job(org, ["老张"])
    client = login("supervisor")
    response = client.post(_url("profile", job), {"name": "旧系统交往", "shared": "on"})
    assert response.status_code == 302
    profile = ImportProfile.objects.get()
    assert (profile.name, profile.shared, profile.entity) == ("旧系统交往", True, "interactions")
    page = login("manager1").get(reverse("customers:interactions_import_profiles"))
    text = page.content.decode()
    assert "旧系统交往" in text and 'data-key="salesforce"' not in text  # no interaction preset
    own = client.get(reverse("customers:interactions_import_profiles"))
    assert "Delete" in own.content.decode()
    client.post(reverse("customers:interactions_import_profiles"), {"delete": profile.pk})
    assert not ImportProfile.objects.exists()
