"""The value-mapping step: distinct values with counts, automatic matches, values mapped by
hand to an entry, a new entry, a user or nothing, and wrong mappings refused."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guanxi.core.imports import distinct
from guanxi.core.imports.distinct import NEW_ENTRY
from guanxi.core.models import DictionaryEntry, DictionaryKind, ImportJob
from guanxi.core.services.import_values import (
    import_job_set_mapping,
    import_job_set_values,
    import_job_values,
)
from guanxi.core.services.imports import import_job_commit, import_job_create, import_job_validate
from guanxi.customers.models import Contact, Interaction
from tests.core.fixtures.import_values import RegionProbeImporter, region_probe  # noqa: F401
from tests.core.fixtures.imports import csv_bytes, entity_import_storage, upload  # noqa: F401
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("entity_import_storage", "region_probe"),
]

REGION_ROWS = [
    ["名称", "地区", "负责人"],
    ["甲", "华东", "manager1"],
    ["乙", "huadong", "张伟"],
    ["丙", "HD", ""],
    ["丁", "西北区", "老王"],
    ["戊", "西北区", "老王"],
    ["己", "火星", ""],
    ["庚", "未填", ""],
]


def _job(actor, entity, rows):
    return import_job_create(actor=actor, entity=entity, upload=upload(csv_bytes(rows)))


def _by_text(column):
    return {value.text: value for value in column.values}


def test_distinct_values_are_counted_and_matched_by_code_name_or_pinyin(org):
    east = DictionaryEntry.objects.get(kind=DictionaryKind.REGION, code="east")
    job = _job(org["admin"], "region_probe", REGION_ROWS)
    region, owner = import_job_values(actor=org["admin"], job=job)
    assert (region.column.name, region.header) == ("region", "地区")
    values = _by_text(region)
    assert {text: value.count for text, value in values.items()} == {
        "华东": 1,
        "huadong": 1,
        "HD": 1,
        "西北区": 2,
        "火星": 1,
        "未填": 1,
    }
    assert region.values[0].text == "西北区"  # the most frequent first
    for text in ("华东", "huadong", "HD"):
        assert (values[text].target, values[text].source) == (east.pk, "auto")
        assert values[text].target_label == "华东"
    assert values["火星"].target is None and values["火星"].source == ""
    assert region.unmatched == 3
    owners = _by_text(owner)
    assert owners["manager1"].target == owners["张伟"].target == org["manager1"].pk
    assert owners["老王"].target is None and owners["老王"].count == 2


def test_the_counts_stop_at_the_cap_and_say_how_many_rows_are_left(org, monkeypatch):
    monkeypatch.setattr(distinct, "MAX_DISTINCT", 2)
    rows = [["名称", "地区"], *[[f"n{i}", f"地区{i}"] for i in range(5)], ["x", "地区0"]]
    job = _job(org["admin"], "region_probe", rows)
    (region,) = import_job_values(actor=org["admin"], job=job)
    assert [(v.text, v.count) for v in region.values] == [("地区0", 2), ("地区1", 1)]
    assert (region.others, region.truncated) == (3, True)


def test_the_file_is_read_once_per_column_mapping(org):
    job = _job(org["admin"], "region_probe", REGION_ROWS)
    import_job_values(actor=org["admin"], job=job)
    job.refresh_from_db()
    assert job.value_counts["counts"]["地区"]["values"][0] == ["西北区", 2]
    job.file.delete(save=False)  # a second read of the file would fail
    import_job_values(actor=org["admin"], job=job)


def test_values_mapped_to_an_entry_a_new_entry_a_user_and_nothing(org):
    admin = org["admin"]
    northwest = DictionaryEntry.objects.get(kind=DictionaryKind.REGION, code="northwest")
    job = _job(admin, "region_probe", REGION_ROWS)
    job = import_job_set_values(
        actor=admin,
        job=job,
        value_mapping={
            "region": {"西北区": northwest.pk, "火星": NEW_ENTRY, "未填": ""},
            "owner": {"老王": org["manager2"].pk},
        },
    )
    mars = DictionaryEntry.objects.get(kind=DictionaryKind.REGION, name_zh="火星")
    assert (mars.code, mars.name_en, mars.created_by) == ("huo-xing", "Huo Xing", admin)
    assert job.value_mapping["region"] == {"西北区": northwest.pk, "火星": mars.pk, "未填": ""}

    values = _by_text(import_job_values(actor=admin, job=job)[0])
    assert (values["西北区"].target, values["西北区"].source) == (northwest.pk, "mapped")
    assert (values["未填"].target, values["未填"].source) == ("", "mapped")

    job = import_job_validate(actor=admin, job=job)
    assert (job.state, job.error_count, job.created_count) == ("validated", 0, 7), job.report
    RegionProbeImporter.written.clear()
    import_job_commit(actor=admin, job=job)
    written = {row["name"]: row for row in RegionProbeImporter.written}
    assert written["丁"]["region"] == northwest and written["丁"]["owner"] == org["manager2"].pk
    assert written["己"]["region"] == mars
    assert "region" not in written["庚"]


def test_a_second_new_entry_of_the_same_spelling_gets_a_free_code(org):
    DictionaryEntry.objects.create(
        kind=DictionaryKind.REGION, code="huo-xing", name_zh="霍星", name_en="Huoxing"
    )
    job = _job(org["admin"], "region_probe", REGION_ROWS)
    import_job_set_values(
        actor=org["admin"], job=job, value_mapping={"region": {"火星": NEW_ENTRY}}
    )
    assert DictionaryEntry.objects.get(name_zh="火星").code == "huo-xing-2"


def test_only_dictionary_editors_create_entries(org):
    job = _job(org["manager1"], "region_probe", REGION_ROWS)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_job_set_values(
            actor=org["manager1"], job=job, value_mapping={"region": {"火星": NEW_ENTRY}}
        )
    assert "map “火星” to an existing entry" in refused.value.message_dict["mapping"][0]
    assert not DictionaryEntry.objects.filter(name_zh="火星").exists()


@pytest.mark.parametrize(
    ("mapping", "named"),
    [
        ({"colour": {"x": ""}}, "“colour” is no column whose values are mapped"),
        ({"name": {"x": ""}}, "“name” is no column whose values are mapped"),
        ({"region": {"火星": 999999}}, "No entry 999999 in the dictionary “Region”"),
        ({"region": {"火星": "east"}}, "“east” for “火星” in “region” is not an id"),
        ({"owner": {"老王": 999999}}, "No user 999999 (“owner”)"),
        ({"region": ["火星"]}, "The values of “region” must be an object"),
    ],
)
def test_a_wrong_mapping_is_refused_naming_it(org, mapping, named):
    job = _job(org["admin"], "region_probe", REGION_ROWS)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_job_set_values(actor=org["admin"], job=job, value_mapping=mapping)
    assert named in refused.value.message_dict["mapping"][0]
    job.refresh_from_db()
    assert job.value_mapping == {}


def test_an_entry_of_another_dictionary_is_refused(org):
    industry = DictionaryEntry.objects.filter(kind=DictionaryKind.INDUSTRY).first()
    job = _job(org["admin"], "region_probe", REGION_ROWS)
    with pytest.raises(ValidationError):
        import_job_set_values(
            actor=org["admin"], job=job, value_mapping={"region": {"火星": industry.pk}}
        )


def test_choices_are_mapped_and_a_checked_job_must_be_checked_again(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager)
    rows = [
        ["客户编号", "姓名", "性别"],
        [customer.code, "王芳", "女士"],
        [customer.code, "李雷", "男"],
    ]
    job = import_job_validate(actor=manager, job=_job(manager, "contacts", rows))
    assert job.error_count == 1
    (gender,) = import_job_values(actor=manager, job=job)
    values = _by_text(gender)
    assert values["男"].target == Contact.Gender.MALE and values["女士"].target is None
    job = import_job_set_values(
        actor=manager, job=job, value_mapping={"gender": {"女士": Contact.Gender.FEMALE}}
    )
    assert job.state == ImportJob.State.UPLOADED and job.error_count == 0
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_job_set_values(actor=manager, job=job, value_mapping={"gender": {"男": "x"}})
    assert "“x” is not a choice of “gender”" in str(refused.value)
    job = import_job_commit(actor=manager, job=import_job_validate(actor=manager, job=job))
    assert Contact.objects.get(name="王芳").gender == Contact.Gender.FEMALE


def test_unknown_owner_names_are_mapped_to_users_per_file(org):
    supervisor = org["supervisor"]
    customer = CustomerFactory(owner=org["manager1"])
    rows = [
        ["客户编号", "日期", "概要", "记录人"],
        [customer.code, "2024-03-05", "拜访", "老张"],
        [customer.code, "2024-03-06", "回访", "老张"],
    ]
    job = _job(supervisor, "interactions", rows)
    (owner,) = import_job_values(actor=supervisor, job=job)
    assert [(v.text, v.count, v.target) for v in owner.values] == [("老张", 2, None)]
    job = import_job_set_values(
        actor=supervisor, job=job, value_mapping={"owner": {"老张": org["manager1"].pk}}
    )
    job = import_job_commit(actor=supervisor, job=import_job_validate(actor=supervisor, job=job))
    assert job.created_count == 2, job.report
    assert set(
        Interaction.objects.filter(customer=customer).values_list("on_behalf_of", flat=True)
    ) == {org["manager1"].pk}


def test_the_column_mapping_is_kept_before_the_values(org):
    job = _job(org["admin"], "region_probe", REGION_ROWS)
    job = import_job_set_mapping(actor=org["admin"], job=job, mapping={"名称": "name"})
    assert job.mapping == {"名称": "name"}
    assert import_job_values(actor=org["admin"], job=job) == []
