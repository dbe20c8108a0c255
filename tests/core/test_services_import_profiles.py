"""Import profiles and presets: saved from a job, re-applied to the next file, chosen
automatically by their headers; a Salesforce export mapped by its preset."""

import pytest
from django.core.exceptions import ValidationError

from guanxi.core.imports.presets import preset_get
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.services.import_profiles import (
    import_profile_save_from_job,
    profile_apply,
    profile_choose,
)
from guanxi.core.services.import_values import import_job_set_values
from guanxi.core.services.imports import import_job_create
from guanxi.customers.importing.contacts import ContactImporter
from guanxi.customers.models import Contact
from tests.core.fixtures.import_values import RegionProbeImporter, region_probe  # noqa: F401
from tests.core.fixtures.imports import (  # noqa: F401
    csv_bytes,
    entity_import_storage,
    run_import,
    upload,
)
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("entity_import_storage")]

SALESFORCE_CONTACTS = [
    "Contact ID",
    "Account ID",
    "Salutation",
    "Full Name",
    "Title",
    "Phone",
    "Mobile",
    "Email",
    "Description",
    "Created Date",
    "Lead Source",
]


def test_the_salesforce_preset_maps_a_salesforce_header_row():
    preset = preset_get("salesforce")
    applied = profile_choose(actor=None, spec=ContactImporter, key="salesforce", headers=[])
    mapping, values = profile_apply(ContactImporter, applied, SALESFORCE_CONTACTS)
    assert mapping == {
        "Contact ID": "external_ref",
        "Account ID": "customer",
        "Salutation": "gender",
        "Full Name": "name",
        "Title": "title",
        "Phone": "office_phone",
        "Mobile": "mobile",
        "Email": "email",
        "Description": "notes",
        "Created Date": "created_at",
    }
    assert values == {"gender": preset.entities["contacts"].values["gender"]}


def test_a_salesforce_export_is_recognised_and_imported(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager, external_ref="001A")
    rows = [
        SALESFORCE_CONTACTS,
        ["003A", "001A", "Ms.", "Wang Fang", "CFO", "", "13800138000", "", "", "2023-01-05", "Web"],
        ["003B", "001A", "Mr.", "Li Lei", "", "", "", "", "", "2023-02-05", ""],
    ]
    job = import_job_create(
        actor=manager, entity="contacts", upload=upload(csv_bytes(rows)), profile="auto"
    )
    assert job.profile_name == "Salesforce"
    assert job.value_mapping["gender"]["Ms."] == "female"
    from guanxi.core.services.imports import import_job_commit, import_job_validate

    job = import_job_commit(actor=manager, job=import_job_validate(actor=manager, job=job))
    assert job.created_count == 2, job.report
    fang = Contact.objects.get(external_ref="003A")
    assert (fang.customer, fang.gender, fang.name) == (customer, "female", "Wang Fang")
    assert Contact.objects.get(external_ref="003B").gender == "male"


def test_preset_dictionary_values_name_entries_by_code_and_skip_missing_ones(org, monkeypatch):
    from guanxi.core.imports.presets import salesforce

    monkeypatch.setitem(
        salesforce.CONTACTS.values, "region", {"West": "northwest", "Mars": "no-such-entry"}
    )
    monkeypatch.setitem(salesforce.PRESET.entities, "region_probe", salesforce.CONTACTS)
    monkeypatch.setitem(salesforce.CONTACTS.columns, "Region", "region")
    from guanxi.core.imports import registry

    monkeypatch.setitem(registry._IMPORTERS, "region_probe", RegionProbeImporter)
    applied = profile_choose(actor=None, spec=RegionProbeImporter, key="salesforce", headers=[])
    _mapping, values = profile_apply(RegionProbeImporter, applied, ["Name", "Region"])
    northwest = DictionaryEntry.objects.get(kind=DictionaryKind.REGION, code="northwest")
    assert values == {"region": {"West": northwest.pk}}


def test_a_profile_saved_from_a_job_is_applied_to_the_next_file(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager)
    first = [["所属公司", "联系人全名", "称呼"], [customer.code, "王芳", "小姐"]]
    job = import_job_create(
        actor=manager,
        entity="contacts",
        upload=upload(csv_bytes(first)),
        mapping={"所属公司": "customer", "联系人全名": "name", "称呼": "gender"},
    )
    job = import_job_set_values(
        actor=manager, job=job, value_mapping={"gender": {"小姐": "female", "先生": "male"}}
    )
    profile = import_profile_save_from_job(actor=manager, job=job, name="老系统导出")
    assert profile.columns == {"所属公司": "customer", "联系人全名": "name", "称呼": "gender"}

    second = [["所属 公司", "联系人全名", "称呼", "备注"], [customer.code, "李雷", "先生", "x"]]
    again = import_job_create(
        actor=manager, entity="contacts", upload=upload(csv_bytes(second)), profile="auto"
    )
    assert again.profile_name == "老系统导出"
    assert again.mapping == {
        "所属 公司": "customer",
        "联系人全名": "name",
        "称呼": "gender",
        "备注": "notes",  # not in the profile: guessed
    }
    assert again.value_mapping == {"gender": {"小姐": "female", "先生": "male"}}
    chosen = import_job_create(
        actor=manager,
        entity="contacts",
        upload=upload(csv_bytes(second)),
        profile=str(profile.pk),
    )
    assert chosen.profile_name == "老系统导出"


def test_a_personal_profile_is_not_offered_to_others_and_unknown_keys_are_refused(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager)
    rows = [["所属公司", "联系人全名"], [customer.code, "王芳"]]
    job = import_job_create(
        actor=manager,
        entity="contacts",
        upload=upload(csv_bytes(rows)),
        mapping={"所属公司": "customer", "联系人全名": "name"},
    )
    profile = import_profile_save_from_job(actor=manager, job=job, name="我的")
    other = import_job_create(
        actor=org["manager2"], entity="contacts", upload=upload(csv_bytes(rows)), profile="auto"
    )
    assert other.profile_name == ""
    for key in (str(profile.pk), "nosuchpreset"):
        with pytest.raises(ValidationError) as refused:
            import_job_create(
                actor=org["manager2"],
                entity="contacts",
                upload=upload(csv_bytes(rows)),
                profile=key,
            )
        assert "profile" in refused.value.message_dict


def test_a_file_unlike_every_profile_is_guessed_as_before(org):
    manager = org["manager1"]
    rows = [["客户编号", "姓名", "手机"], ["X", "王芳", "13800138000"]]
    job = import_job_create(
        actor=manager, entity="contacts", upload=upload(csv_bytes(rows)), profile="auto"
    )
    assert job.profile_name == ""
    assert job.mapping == {"客户编号": "customer", "姓名": "name", "手机": "mobile"}
