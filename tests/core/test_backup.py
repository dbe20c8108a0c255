"""Backup and restore (``guanxi backup`` / ``guanxi restore``) and the daily backup job.

The restore drill seeds the test database, backs it up and restores it into a scratch
database of its own (a SQLite file, or on PostgreSQL a database named after the test database
with ``_restore``, dropped afterwards): a restore never writes to the test database.
"""

import copy
import hashlib
import io
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.utils import translation

from guanxi.core import backup
from guanxi.core.tasks import daily_backup
from guanxi.customers.models import DocumentVersion
from guanxi.customers.services.documents import document_create
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory
from tests.customers.fixtures.documents import PDF, pdf

# pg_dump/pg_restore and the scratch database: the tests of this module run on one worker.
pytestmark = pytest.mark.xdist_group("backup")

SCRATCH = "backup_scratch"


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are asserted in English (the commands speak the default language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    """The documents storage in a temporary directory."""
    location = tmp_path / "documents"
    storage = FileSystemStorage(location=location)
    monkeypatch.setattr(DocumentVersion._meta.get_field("file"), "storage", storage)
    return location


def _admin_connection():
    import psycopg

    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture
def scratch(transactional_db, tmp_path):
    """An empty database beside the test database, as the connection alias ``SCRATCH``."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "scratch.sqlite3")
        dropped = None
    else:
        settings_dict["NAME"] = dropped = f"{connection.settings_dict['NAME']}_restore"
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{dropped}"')
    # Not in the configured databases: Django's test case lets such a connection be used.
    scratch_connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, alias=SCRATCH
    )
    connections[SCRATCH] = scratch_connection
    yield scratch_connection
    scratch_connection.close()
    del connections[SCRATCH]
    if dropped:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


def row_counts(db) -> dict[str, int]:
    with db.cursor() as cursor:
        tables = backup._tables(cursor, db.vendor)
        return backup._count_rows(cursor, tables)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def seeded(org, documents):
    """A few customers with contacts, and a document with two versions, committed."""
    for owner in ("manager1", "manager1", "manager2", None):
        customer = CustomerFactory(owner=org[owner] if owner else None)
        ContactFactory(customer=customer, is_primary=True)
    document = document_create(actor=org["manager1"], customer=customer, file=pdf())
    return document.versions.get()


@pytest.mark.django_db(transaction=True)
def test_restore_drill_brings_back_every_row_and_document(seeded, documents, scratch, tmp_path):
    before = row_counts(connection)
    archive = backup.create_backup(tmp_path / "backups", documents_dir=documents)
    assert archive.manifest["tables"] == before
    assert archive.manifest["documents"]["files"] == 1
    shutil.rmtree(documents)  # the disaster; the scratch database is the wiped one

    report = backup.restore_backup(archive.path, using=SCRATCH, documents_dir=documents)

    assert row_counts(scratch) == before
    assert before["customers_customer"] >= 4
    assert before["customers_documentversion"] == 1
    restored = documents / seeded.file.name
    assert sha256(restored) == seeded.sha256 == hashlib.sha256(PDF).hexdigest()
    assert report.notes == []


@pytest.mark.django_db(transaction=True)
def test_the_archive_lists_versions_counts_and_checksums(seeded, documents, tmp_path):
    archive = backup.create_backup(tmp_path, documents_dir=documents)

    manifest = archive.manifest
    assert archive.path.name.startswith("guanxi-backup-")
    assert archive.path.stat().st_mode & 0o077 == 0  # customer data: the owner's only
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["server_version"]
    assert manifest["guanxi_version"] and manifest["django_version"]
    assert "0001_initial" in manifest["database"]["migrations"]["customers"]
    with tarfile.open(archive.path) as tar:
        names = set(tar.getnames())
    assert names == {*manifest["files"], "manifest.json"}
    document_entry = manifest["files"][f"documents/{seeded.file.name}"]
    assert document_entry == {"sha256": seeded.sha256, "size": len(PDF)}


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_in_use_without_force(seeded, documents, scratch, tmp_path):
    archive = backup.create_backup(tmp_path / "backups", documents_dir=documents)
    shutil.rmtree(documents)
    backup.restore_backup(archive.path, using=SCRATCH, documents_dir=documents)
    with connections[SCRATCH].cursor() as cursor:
        cursor.execute("DELETE FROM customers_contact")
    before = row_counts(scratch)

    with pytest.raises(backup.BackupError, match="--force") as refused:
        backup.restore_backup(archive.path, using=SCRATCH, documents_dir=documents)

    assert "user accounts" in str(refused.value)
    assert row_counts(scratch) == before
    backup.restore_backup(archive.path, force=True, using=SCRATCH, documents_dir=documents)
    assert row_counts(scratch) == row_counts(connection)
    assert sha256(documents / seeded.file.name) == seeded.sha256


def _tampered(archive: Path, target: Path, *, change: str) -> Path:
    """A copy of ``archive`` with the member ``change`` altered and its manifest kept."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as tar:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == change:
                data = data[:-1] + bytes([data[-1] ^ 1])
            tar.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_before_anything_changes(seeded, documents, scratch, tmp_path):
    archive = backup.create_backup(tmp_path / "backups", documents_dir=documents)
    document_name = f"documents/{seeded.file.name}"
    damaged = _tampered(archive.path, tmp_path / "damaged.tar.gz", change=document_name)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.path.read_bytes()[:-200])
    shutil.rmtree(documents)

    with pytest.raises(backup.BackupError, match="checksum") as refused:
        backup.restore_backup(damaged, using=SCRATCH, documents_dir=documents)
    assert document_name in str(refused.value)
    with pytest.raises(backup.BackupError, match="cannot be read"):
        backup.restore_backup(truncated, using=SCRATCH, documents_dir=documents)

    assert row_counts(scratch) == {}  # still the empty database
    assert not documents.exists()
    assert list(tmp_path.glob(".guanxi-restore-*")) == []  # the staging is cleaned up


@pytest.mark.django_db(transaction=True)
def test_an_archive_of_another_database_kind_is_refused(documents, scratch, tmp_path):
    archive = backup.create_backup(tmp_path / "backups", documents_dir=documents)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest = dict(archive.manifest, database={**archive.manifest["database"], "vendor": other})
    rewritten = tmp_path / "other.tar.gz"
    with tarfile.open(archive.path) as source, tarfile.open(rewritten, "w:gz") as tar:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = backup.json.dumps(manifest).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))

    with pytest.raises(backup.BackupError, match="same kind of database"):
        backup.restore_backup(rewritten, using=SCRATCH, documents_dir=documents)


def test_retention_keeps_the_newest_daily_archives_only(tmp_path):
    names = [f"guanxi-daily-202612{day:02d}-013000.tar.gz" for day in range(1, 21)]
    names.append("guanxi-daily-20261220-013000-2.tar.gz")  # a second one in the same second
    for name in [*names, "guanxi-backup-20261101-120000.tar.gz", "notes.txt"]:
        (tmp_path / name).write_bytes(b"x")

    deleted = backup.prune_backups(tmp_path, keep=14)

    assert sorted(path.name for path in deleted) == names[:7]
    left = sorted(path.name for path in tmp_path.iterdir())
    assert left == sorted(
        [*names[7:], "guanxi-backup-20261101-120000.tar.gz", "notes.txt"]
    )  # archives written by hand and other files stay


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_writes_an_archive_and_prunes_older_ones(settings, tmp_path):
    settings.GUANXI = {**settings.GUANXI, "BACKUP_DIR": tmp_path, "BACKUP_KEEP": 2}
    old = tmp_path / "guanxi-daily-20200101-013000.tar.gz"
    old.write_bytes(b"x")
    (tmp_path / "guanxi-daily-20200102-013000.tar.gz").write_bytes(b"x")

    written = Path(daily_backup.call())

    assert written.parent == tmp_path and written.name.startswith("guanxi-daily-")
    assert backup.verify_backup(written)["database"]["vendor"] == connection.vendor
    assert sorted(tmp_path.glob("guanxi-daily-*")) == [
        tmp_path / "guanxi-daily-20200102-013000.tar.gz",
        written,
    ]


def test_the_daily_job_makes_no_backup_when_keep_is_zero(settings, tmp_path):
    settings.GUANXI = {**settings.GUANXI, "BACKUP_DIR": tmp_path, "BACKUP_KEEP": 0}
    assert daily_backup.call() == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_the_commands_write_and_check_an_archive(documents, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "documents_location", lambda: documents)
    out = io.StringIO()
    call_command("backup", "--to", str(tmp_path / "backups"), stdout=out)
    archive = out.getvalue().splitlines()[0]
    assert Path(archive).parent == tmp_path / "backups"

    out = io.StringIO()
    call_command("restore", archive, "--check", stdout=out)
    assert archive in out.getvalue()

    damaged = _tampered(Path(archive), tmp_path / "damaged.tar.gz", change="manifest.json")
    with pytest.raises(CommandError, match="manifest"):
        call_command("restore", str(damaged), "--check")
    with pytest.raises(CommandError, match="no backup archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


def test_missing_postgresql_client_tools_are_named(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda tool: None)
    with pytest.raises(backup.BackupError, match="pg_dump was not found.*postgresql-client"):
        backup._tool_version("pg_dump")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is for PostgreSQL")
@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused_with_the_version_to_install(
    monkeypatch, tmp_path
):
    monkeypatch.setattr(backup, "_tool_version", lambda tool: (9, f"{tool} (PostgreSQL) 9.6"))
    server_major = connection.pg_version // 10000
    with pytest.raises(backup.BackupError, match=f"postgresql-client-{server_major}"):
        backup.create_backup(tmp_path)
    assert not list(tmp_path.glob("*.tar.gz"))
