"""Interaction and document services: limits, refused types, versions, follow-up bookkeeping."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.core.exceptions import ConflictError
from guanxi.customers.models import Customer, Document, DocumentVersion, Interaction
from guanxi.customers.services.documents import (
    document_add_version,
    document_create,
    document_delete,
    filename_sanitise,
)
from guanxi.customers.services.interactions import (
    interaction_create,
    interaction_delete,
    interaction_update,
)
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory
from tests.customers.fixtures.documents import HTML, PDF, PNG, pdf, upload

pytestmark = pytest.mark.usefixtures("document_store")  # every test stores files in a temp dir


def _stored(storage) -> int:
    return sum(1 for path in Path(storage.location).rglob("*") if path.is_file())


# --- documents: what is accepted and what is refused -----------------------------------------


def test_upload_keeps_hash_size_and_clean_name_but_stores_under_its_own_name(
    org, customers, document_store
):
    customer = customers["manager1"]
    document = document_create(
        actor=org["manager1"], customer=customer, file=pdf("..\\..\\年度 合同.pdf")
    )

    version = document.versions.get()
    assert version.number == 1
    assert version.original_name == "年度 合同.pdf"
    assert version.size == len(PDF)
    assert version.sha256 == hashlib.sha256(PDF).hexdigest()
    assert version.uploaded_by == org["manager1"]
    assert document.title == "年度 合同.pdf"
    # The stored path comes from ids and the hash, never from what the user sent.
    assert "合同" not in version.file.name and ".." not in version.file.name
    assert version.file.name.endswith(version.sha256[:16])
    assert document_store.open(version.file.name).read() == PDF


@pytest.mark.parametrize(
    "name",
    ["page.html", "page.htm", "logo.svg", "run.js", "setup.exe", "start.bat", "x.sh", "noext"],
)
def test_dangerous_or_unknown_types_are_refused(org, customers, name):
    with pytest.raises(ValidationError) as refused:
        document_create(
            actor=org["manager1"], customer=customers["manager1"], file=upload(name, b"hello")
        )
    assert "file" in refused.value.message_dict
    assert not Document.all_objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("报价.pdf", HTML),  # an HTML page renamed to .pdf
        ("photo.png", PDF),  # a PDF named .png
        ("notes.txt", b"<!DOCTYPE html><html></html>"),
        ("data.csv", b"\xef\xbb\xbf  <script>alert(1)</script>"),
        ("data.txt", b"MZ\x90\x00binary"),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(org, customers, name, content):
    with pytest.raises(ValidationError) as refused:
        document_create(
            actor=org["manager1"], customer=customers["manager1"], file=upload(name, content)
        )
    assert "file" in refused.value.message_dict
    assert not DocumentVersion.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.png", PNG),
        ("客户名单.csv", "名称,电话\n华盛科技,13800000000\n".encode()),
        ("图.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 "),
        ("报表.xlsx", b"PK\x03\x04" + b"\x00" * 30),
        ("archive.7z", b"7z\xbc\xaf\x27\x1c\x00\x04"),
    ],
)
def test_allowed_types_with_matching_content_are_accepted(org, customers, name, content):
    document = document_create(
        actor=org["manager1"], customer=customers["manager1"], file=upload(name, content)
    )
    assert document.versions.get().original_name == name


def test_size_limit_comes_from_settings(org, customers, settings):
    settings.GUANXI_DOCUMENT_MAX_MB = 1
    big = upload("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        document_create(actor=org["manager1"], customer=customers["manager1"], file=big)
    assert "1 MB" in refused.value.message_dict["file"][0]
    settings.GUANXI_DOCUMENT_MAX_MB = 2
    document_create(actor=org["manager1"], customer=customers["manager1"], file=big)


def test_empty_file_is_refused(org, customers):
    with pytest.raises(ValidationError):
        document_create(
            actor=org["manager1"], customer=customers["manager1"], file=upload("a.pdf", b"")
        )


def test_file_name_sanitising():
    assert filename_sanitise("C:\\Users\\张\\报价单.xlsx") == "报价单.xlsx"
    assert filename_sanitise("a\x00b\r\n.pdf") == "ab.pdf"
    long_name = "长" * 300 + ".pdf"
    assert len(filename_sanitise(long_name)) == 255
    assert filename_sanitise(long_name).endswith(".pdf")


# --- versions --------------------------------------------------------------------------------


def test_versions_are_numbered_and_earlier_ones_stay(org, customers, document_store):
    actor = org["manager1"]
    document = document_create(actor=actor, customer=customers["manager1"], file=pdf("v1.pdf"))
    second = document_add_version(
        actor=actor, document=document, file=pdf("v2.pdf", PDF + b"% two\n")
    )
    third = document_add_version(
        actor=actor, document=document, file=pdf("v3.pdf", PDF + b"% three\n")
    )

    assert (second.number, third.number) == (2, 3)
    numbers = list(document.versions.order_by("number").values_list("number", "original_name"))
    assert numbers == [(1, "v1.pdf"), (2, "v2.pdf"), (3, "v3.pdf")]
    assert len({v.file.name for v in document.versions.all()}) == 3
    document.refresh_from_db()
    assert document.version == 3  # each upload is a change of the document


def test_stale_version_upload_is_a_conflict_and_stores_nothing(org, customers, document_store):
    actor = org["manager1"]
    document = document_create(actor=actor, customer=customers["manager1"], file=pdf())
    document_add_version(actor=actor, document=document, file=pdf())
    stale = Document.objects.get(pk=document.pk)
    stale.version = 1
    files_before = _stored(document_store)

    with pytest.raises(ConflictError):
        document_add_version(actor=actor, document=stale, file=pdf(), expected_version=1)

    assert document.versions.count() == 2
    files_after = _stored(document_store)
    assert files_after == files_before


def test_refused_new_version_keeps_the_old_ones(org, customers):
    actor = org["manager1"]
    document = document_create(actor=actor, customer=customers["manager1"], file=pdf())
    with pytest.raises(ValidationError):
        document_add_version(actor=actor, document=document, file=upload("v2.pdf", HTML))
    assert document.versions.count() == 1


def test_rights_are_checked(org, customers):
    with pytest.raises(PermissionDenied):
        document_create(actor=org["exec"], customer=customers["manager1"], file=pdf())
    document = document_create(actor=org["assistant"], customer=customers["manager1"], file=pdf())
    # Entered by the assistant for the customer's account manager.
    assert document.on_behalf_of == org["manager1"]
    with pytest.raises(PermissionDenied):
        document_delete(actor=org["assistant"], document=document)
    document_delete(actor=org["manager1"], document=document)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert Document.all_objects.filter(pk=document.pk).exists()  # in the recycle bin


def test_document_of_another_customers_interaction_is_refused(org, customers):
    interaction = interaction_create(
        actor=org["manager1"], customer=customers["manager1"], summary="拜访"
    )
    other = CustomerFactory(owner=org["manager1"])
    with pytest.raises(ValidationError) as refused:
        document_create(actor=org["manager1"], customer=other, file=pdf(), interaction=interaction)
    assert "interaction" in refused.value.message_dict


# --- interactions ----------------------------------------------------------------------------


def test_logging_an_interaction_moves_last_follow_up_and_clears_the_recall_notice(org, customers):
    customer = customers["manager1"]
    Customer.objects.filter(pk=customer.pk).update(recall_notice_at=timezone.now())
    customer.refresh_from_db()
    version_before = customer.version
    history_before = customer.history.count()
    when = timezone.now() - timedelta(days=2)

    interaction_create(
        actor=org["manager1"],
        customer=customer,
        summary="电话沟通报价",
        kind="call",
        occurred_at=when,
    )

    customer.refresh_from_db()
    assert customer.last_follow_up_at == when
    assert customer.recall_notice_at is None
    # Not an edit of the customer: no version bump; one history entry, the system's.
    assert customer.version == version_before
    assert customer.history.count() == history_before + 1
    entry = customer.history.order_by("-history_id").first()
    assert entry.history_user is None
    assert entry.history_change_reason == "system:customers.follow_up_recorded"


def test_last_follow_up_never_moves_back(org, customers):
    customer = customers["manager1"]
    recent = timezone.now() - timedelta(hours=1)
    interaction_create(actor=org["manager1"], customer=customer, summary="新", occurred_at=recent)
    interaction_create(
        actor=org["manager1"],
        customer=customer,
        summary="补录上月拜访",
        occurred_at=recent - timedelta(days=30),
    )
    customer.refresh_from_db()
    assert customer.last_follow_up_at == recent


def test_future_or_ancient_dates_and_foreign_contacts_are_refused(org, customers):
    customer = customers["manager1"]
    with pytest.raises(ValidationError) as refused:
        interaction_create(
            actor=org["manager1"],
            customer=customer,
            summary="x",
            occurred_at=timezone.now() + timedelta(days=1),
        )
    assert "occurred_at" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        interaction_create(
            actor=org["manager1"],
            customer=customer,
            summary="x",
            occurred_at=timezone.now().replace(year=954),
        )
    assert "1970" in refused.value.message_dict["occurred_at"][0]
    stranger = ContactFactory(customer=customers["manager2"])
    with pytest.raises(ValidationError) as refused:
        interaction_create(actor=org["manager1"], customer=customer, summary="x", contact=stranger)
    assert "contact" in refused.value.message_dict
    assert not Interaction.objects.exists()


def test_attachments_are_documents_of_the_interaction(org, customers):
    customer = customers["manager1"]
    interaction = interaction_create(
        actor=org["manager1"],
        customer=customer,
        summary="现场拜访",
        attachments=[pdf("纪要.pdf"), upload("现场.png", PNG)],
    )
    attachments = Document.objects.filter(interaction=interaction).order_by("id")
    assert [d.title for d in attachments] == ["纪要.pdf", "现场.png"]
    assert all(d.customer_id == customer.pk for d in attachments)


def test_one_refused_attachment_refuses_the_whole_entry(org, customers, document_store):
    customer = customers["manager1"]
    with pytest.raises(ValidationError) as refused:
        interaction_create(
            actor=org["manager1"],
            customer=customer,
            summary="拜访",
            attachments=[pdf("ok.pdf"), upload("evil.pdf", HTML)],
        )
    assert "attachments" in refused.value.message_dict
    assert not Interaction.objects.exists() and not Document.objects.exists()
    customer.refresh_from_db()
    assert customer.last_follow_up_at is None


def test_update_is_versioned_and_delete_takes_attachments_along(org, customers):
    actor = org["manager1"]
    interaction = interaction_create(
        actor=actor, customer=customers["manager1"], summary="拜访", attachments=[pdf()]
    )
    interaction_update(actor=actor, interaction=interaction, expected_version=1, place="上海")
    assert interaction.version == 2
    stale = Interaction.objects.get(pk=interaction.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        interaction_update(actor=actor, interaction=stale, expected_version=1, place="北京")

    interaction_delete(actor=actor, interaction=interaction, expected_version=2)
    assert not Interaction.objects.filter(pk=interaction.pk).exists()
    assert not Document.objects.filter(interaction=interaction).exists()


def test_assistant_logs_for_the_manager_and_executive_cannot(org, customers):
    interaction = interaction_create(
        actor=org["assistant"], customer=customers["manager1"], summary="代录"
    )
    assert interaction.created_by == org["assistant"]
    assert interaction.on_behalf_of == org["manager1"]
    with pytest.raises(PermissionDenied):
        interaction_create(actor=org["exec"], customer=customers["manager1"], summary="x")


def test_purging_a_document_removes_its_files_after_the_commit(
    org, customers, document_store, django_capture_on_commit_callbacks
):
    from guanxi.core.recycle_bin import recycle_bin_purge

    document = document_create(actor=org["manager1"], customer=customers["manager1"], file=pdf())
    document_add_version(actor=org["manager1"], document=document, file=pdf("合同v2.pdf"))
    names = [version.file.name for version in document.versions.all()]
    assert all(document_store.exists(name) for name in names)
    document_delete(actor=org["manager1"], document=document)
    assert all(document_store.exists(name) for name in names), "the recycle bin keeps the files"

    with django_capture_on_commit_callbacks(execute=True):
        recycle_bin_purge(actor=org["admin"], instance=Document.all_objects.get(pk=document.pk))
    assert not DocumentVersion.objects.filter(document_id=document.pk).exists()
    assert not any(document_store.exists(name) for name in names)
