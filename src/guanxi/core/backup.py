"""Backups: one archive holding the database, the uploaded documents and a manifest.

:func:`create_backup` writes ``guanxi-backup-<local time>.tar.gz`` (the daily job
``guanxi-daily-…``), readable by its owner only, holding::

    database/guanxi.sqlite3   SQLite: a consistent copy made with SQLite's online backup API
    database/guanxi.dump      PostgreSQL: ``pg_dump --format=custom`` of one snapshot
    documents/…               the documents storage (uploaded documents, attachments, imports)
    manifest.json             versions, row counts per table, size and sha256 of every file

The row counts are taken from the same snapshot as the dump (the SQLite copy itself; on
PostgreSQL a snapshot exported to ``pg_dump --snapshot``), so a restore can be checked exactly.

:func:`restore_backup` unpacks into a staging directory and checks every file against the
manifest before it changes anything, refuses a database that holds user accounts (or a
documents directory that holds files) unless forced, restores the database (PostgreSQL:
``pg_restore --clean --if-exists --no-owner`` in one transaction) and the documents, then
compares every table's row count with the manifest.
"""

import hashlib
import io
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FORMAT = 1
MANIFEST = "manifest.json"
SUFFIX = ".tar.gz"
MANUAL_PREFIX = "guanxi-backup-"
DAILY_PREFIX = "guanxi-daily-"
_DATABASE_FILES = {"sqlite": "database/guanxi.sqlite3", "postgresql": "database/guanxi.dump"}
_CHUNK = 1024 * 1024
# Documents are mostly compressed already (PDF, images, office files); the dump is not
# (pg_dump writes it uncompressed so it is compressed once, here).
_COMPRESS_LEVEL = 6


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Archive:
    path: Path
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Dump:
    path: Path
    counts: dict[str, int]
    migrations: dict[str, list[str]]
    server_version: str
    client: dict[str, Any] | None = None


# --- creating -------------------------------------------------------------------------------


def create_backup(
    dest: Path | str | None = None,
    *,
    prefix: str = MANUAL_PREFIX,
    using: str = "default",
    documents_dir: Path | str | None = None,
) -> Archive:
    """Write a backup archive into ``dest`` (default ``GUANXI_BACKUP_DIR``) and return it."""
    directory = Path(dest) if dest else Path(settings.GUANXI["BACKUP_DIR"])
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    documents = Path(documents_dir) if documents_dir is not None else documents_location()
    connection = connections[using]
    created = timezone.now()
    final = _free_name(directory, prefix + timezone.localtime(created).strftime("%Y%m%d-%H%M%S"))
    # The work directory sits beside the archive: the dump may be large, and the finished
    # archive is renamed into place, so a crash never leaves a half-written one behind.
    with tempfile.TemporaryDirectory(prefix=".guanxi-backup-", dir=directory) as work_dir:
        work = Path(work_dir)
        if connection.vendor == "sqlite":
            dump = _sqlite_dump(connection, work)
        elif connection.vendor == "postgresql":
            dump = _pg_dump(connection, work)
        else:
            raise BackupError(
                _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
                % {"vendor": connection.vendor}
            )
        partial = work / "archive.tar.gz"
        files: dict[str, dict[str, Any]] = {}
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=_COMPRESS_LEVEL) as tar,
        ):
            database_name = _DATABASE_FILES[connection.vendor]
            files[database_name] = _add_file(tar, dump.path, database_name)
            # After the database: a document stored meanwhile is an unused extra file, never a
            # row without its file.
            if documents is not None and documents.is_dir():
                for path in _document_files(documents, skip=directory):
                    name = "documents/" + path.relative_to(documents).as_posix()
                    files[name] = _add_file(tar, path, name)
            manifest = _manifest(
                connection=connection,
                dump=dump,
                created=created,
                files=files,
                documents_stored=documents is not None,
            )
            data = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(created.timestamp())
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, final)
    notes = []
    client = dump.client
    if client is not None and str(client["major"]) != dump.server_version.split(".")[0]:
        notes.append(
            _(
                "pg_dump %(client)s dumped a PostgreSQL %(server)s server: restore this archive "
                "with pg_restore %(client)s or newer."
            )
            % {"client": client["major"], "server": dump.server_version}
        )
    return Archive(path=final, manifest=manifest, notes=notes)


def documents_location() -> Path | None:
    """The directory of the documents storage; None when it is not on the file system."""
    location = getattr(storages["documents"], "location", None)
    return Path(location) if location else None


def _free_name(directory: Path, stem: str) -> Path:
    candidate = directory / f"{stem}{SUFFIX}"
    number = 1
    while candidate.exists():
        number += 1
        candidate = directory / f"{stem}-{number}{SUFFIX}"
    return candidate


def _document_files(documents: Path, *, skip: Path) -> list[Path]:
    skip = skip.resolve()
    # A backup directory inside the documents directory is not backed up into itself.
    skip_inside = skip.is_relative_to(documents.resolve())
    found = []
    for path in sorted(documents.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if skip_inside and path.resolve().is_relative_to(skip):
            continue
        found.append(path)
    return found


class _HashingReader:
    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        tar.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "size": info.size}


def _manifest(
    *,
    connection: BaseDatabaseWrapper,
    dump: _Dump,
    created: Any,
    files: dict[str, dict[str, Any]],
    documents_stored: bool,
) -> dict[str, Any]:
    documents = {name: entry for name, entry in files.items() if name.startswith("documents/")}
    return {
        "format": FORMAT,
        "created_at": created.isoformat(),
        "guanxi_version": _guanxi_version(),
        "django_version": django.get_version(),
        "python_version": platform.python_version(),
        "database": {
            "vendor": connection.vendor,
            "server_version": dump.server_version,
            "client": dump.client,
            "file": _DATABASE_FILES[connection.vendor],
            "migrations": dump.migrations,
        },
        "tables": dump.counts,
        "documents": {
            # False: the documents storage is not a directory (S3...) and is backed up apart.
            "included": documents_stored,
            "files": len(documents),
            "bytes": sum(entry["size"] for entry in documents.values()),
        },
        "files": files,
    }


def _guanxi_version() -> str:
    try:
        return metadata.version("guanxi")
    except metadata.PackageNotFoundError:
        return "unknown"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_rows(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608  (quoted name)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _applied_migrations(cursor: Any, tables: list[str]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


_SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' "
    # A virtual table (the customer search index) reads its rows from its shadow tables,
    # which are counted themselves.
    "ESCAPE '!' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
)
_PG_TABLES = (
    "SELECT c.relname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
)


def _tables(cursor: Any, vendor: str) -> list[str]:
    cursor.execute(_SQLITE_TABLES if vendor == "sqlite" else _PG_TABLES)
    return [row[0] for row in cursor.fetchall()]


def _sqlite_dump(connection: BaseDatabaseWrapper, work: Path) -> _Dump:
    target = work / "guanxi.sqlite3"
    # A connection of its own reads what is committed, whatever the caller's connection is
    # doing; in one step, the copy is one consistent snapshot, and writers go on meanwhile
    # (WAL).
    source = connection.get_new_connection(connection.get_connection_params())
    with closing(source), closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        # A single self-contained file, without a -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        tables = _tables(cursor, "sqlite")
        counts = _count_rows(cursor, tables)
        migrations = _applied_migrations(cursor, tables)
    return _Dump(
        path=target, counts=counts, migrations=migrations, server_version=sqlite3.sqlite_version
    )


# --- PostgreSQL client tools ----------------------------------------------------------------


def _tool_version(tool: str) -> tuple[int, str]:
    """The major version and the version line of a PostgreSQL client tool."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            _(
                "%(tool)s was not found on this machine. Install the PostgreSQL client tools "
                "of your server's version (Debian/Ubuntu: postgresql-client) or put them on "
                "the PATH."
            )
            % {"tool": tool}
        )
    result = subprocess.run(  # noqa: S603  (a PostgreSQL tool found on the PATH)
        [path, "--version"], capture_output=True, text=True, check=False
    )
    line = result.stdout.strip()
    match = re.search(r"(\d+)(?:\.\d+)*", line)
    if result.returncode or match is None:
        raise BackupError(
            _("%(tool)s --version failed: %(error)s")
            % {"tool": tool, "error": (result.stderr or line).strip()}
        )
    return int(match.group(1)), line


def _server_version(connection: BaseDatabaseWrapper) -> tuple[int, str]:
    # The PostgreSQL wrapper's own attribute (server_version_num).
    number = int(getattr(connection, "pg_version"))  # noqa: B009
    major, minor = divmod(number, 10000)
    return major, f"{major}.{minor}"


def _pg_command(connection: BaseDatabaseWrapper, tool: str, *options: str) -> list[str]:
    settings_dict = connection.settings_dict
    command = [tool]
    if settings_dict.get("USER"):
        command.append(f"--username={settings_dict['USER']}")
    if settings_dict.get("HOST"):
        command.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        command.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("NAME"):
        command.append(f"--dbname={settings_dict['NAME']}")
    return [*command, *options]


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The password and TLS settings as libpq reads them (never on the command line)."""
    from django.db.backends.postgresql.client import DatabaseClient

    _args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, [])
    return {**os.environ, **(env or {})}


def _run(command: list[str], connection: BaseDatabaseWrapper) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (pg_dump/pg_restore with our own arguments)
        command, env=_pg_environment(connection), capture_output=True, text=True, check=False
    )


def _pg_dump(connection: BaseDatabaseWrapper, work: Path) -> _Dump:
    client_major, client_line = _tool_version("pg_dump")
    connection.ensure_connection()
    server_major, server_version = _server_version(connection)
    if client_major < server_major:
        raise BackupError(
            _(
                "pg_dump is version %(client)s but the database server runs PostgreSQL "
                "%(server)s; pg_dump cannot dump a newer server. Install the PostgreSQL "
                "%(major)s client tools (Debian/Ubuntu: postgresql-client-%(major)s) and put "
                "them first on the PATH."
            )
            % {"client": client_major, "server": server_version, "major": server_major}
        )
    target = work / "guanxi.dump"
    # A connection of its own holds the snapshot that the counts and pg_dump both read.
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = _tables(cursor, "postgresql")
            counts = _count_rows(cursor, tables)
            migrations = _applied_migrations(cursor, tables)
            result = _run(
                _pg_command(
                    connection,
                    "pg_dump",
                    "--format=custom",
                    "--compress=0",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ),
                connection,
            )
            cursor.execute("ROLLBACK")
    finally:
        raw.close()
    if result.returncode:
        raise BackupError(_("pg_dump failed: %(error)s") % {"error": result.stderr.strip()})
    return _Dump(
        path=target,
        counts=counts,
        migrations=migrations,
        server_version=server_version,
        client={"tool": "pg_dump", "major": client_major, "version": client_line},
    )


# --- retention ------------------------------------------------------------------------------


def prune_backups(directory: Path | str, *, keep: int, prefix: str = DAILY_PREFIX) -> list[Path]:
    """Delete all but the ``keep`` newest archives named ``prefix…``; returns the deleted ones.

    Only archives with that prefix are counted: the daily job never deletes an archive written
    by hand with ``guanxi backup``.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    # The names hold the local time (YYYYmmdd-HHMMSS) and, for a second archive within the
    # same second, a number; other files are never touched.
    name = re.compile(rf"^{re.escape(prefix)}(\d{{8}}-\d{{6}})(?:-(\d+))?{re.escape(SUFFIX)}$")
    archives = []
    for path in Path(directory).iterdir():
        match = name.match(path.name)
        if match and path.is_file():
            archives.append(((match.group(1), int(match.group(2) or 1)), path))
    archives.sort()
    old = [path for _key, path in archives[:-keep]]
    for path in old:
        path.unlink(missing_ok=True)
    return old


# --- restoring ------------------------------------------------------------------------------


def verify_backup(archive: Path | str) -> dict[str, Any]:
    """Check every file of ``archive`` against its manifest; returns the manifest."""
    return _unpack(_archive_path(archive), None)


def restore_backup(
    archive: Path | str,
    *,
    force: bool = False,
    using: str = "default",
    documents_dir: Path | str | None = None,
) -> RestoreReport:
    """Replace the database and the documents with the contents of ``archive``.

    Nothing is changed unless every file matches the manifest, the archive suits the
    configured database, and the database holds no user accounts and the documents directory
    no files (or ``force``).
    """
    path = _archive_path(archive)
    connection = connections[using]
    documents = Path(documents_dir) if documents_dir is not None else documents_location()
    staging_parent = documents.parent if documents is not None else path.parent
    staging_parent.mkdir(parents=True, exist_ok=True)
    # Beside the documents directory: on the same file system, the files are moved by rename.
    staging = Path(tempfile.mkdtemp(prefix=".guanxi-restore-", dir=staging_parent))
    try:
        manifest = _unpack(path, staging)
        report = RestoreReport(manifest=manifest)
        _check_compatible(manifest, connection, report)
        in_use = _in_use(connection, documents if manifest["documents"]["included"] else None)
        if in_use and not force:
            raise BackupError(
                _(
                    "The database is not empty (%(found)s). A restore replaces all of its data "
                    "and documents: stop Guanxi's web server, workers and scheduler, then run "
                    "the restore again with --force."
                )
                % {"found": ", ".join(in_use)}
            )
        database_file = staging / manifest["database"]["file"]
        if connection.vendor == "sqlite":
            _sqlite_restore(connection, database_file)
        else:
            _pg_restore(connection, database_file)
        if documents is not None and manifest["documents"]["included"]:
            _replace_documents(staging / "documents", documents, aside=staging / ".replaced")
        _check_counts(connection, manifest)
        _check_migrations(connection, report)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def _archive_path(archive: Path | str) -> Path:
    path = Path(archive).resolve()
    if not path.is_file():
        raise BackupError(_("There is no backup archive at %(path)s.") % {"path": path})
    return path


def _member_name(name: str) -> str:
    """The member's name if it may be unpacked (no absolute path, no "..", a known part)."""
    pure = PurePosixPath(name)
    allowed = pure.parts[:1] in (("database",), ("documents",)) or name == MANIFEST
    if pure.is_absolute() or ".." in pure.parts or not allowed:
        raise BackupError(
            _("The archive holds an unexpected entry %(name)s; it is not a Guanxi backup.")
            % {"name": name}
        )
    return pure.as_posix()


def _unpack(archive: Path, staging: Path | None) -> dict[str, Any]:
    """Unpack ``archive`` into ``staging`` (None: only read it) and check every file against
    the manifest; returns the manifest."""
    found: dict[str, dict[str, Any]] = {}
    manifest_data = b""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                name = _member_name(member.name)
                source = tar.extractfile(member) if member.isfile() else None
                if source is None:
                    raise BackupError(
                        _(
                            "The archive holds an unexpected entry %(name)s; it is not a Guanxi "
                            "backup."
                        )
                        % {"name": member.name}
                    )
                if name == MANIFEST:
                    manifest_data = source.read()
                    continue
                digest = hashlib.sha256()
                with _open_target(staging, name) as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                found[name] = {"sha256": digest.hexdigest(), "size": member.size}
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            _("%(path)s cannot be read as a Guanxi backup (%(error)s); nothing was restored.")
            % {"path": archive, "error": error}
        ) from error
    manifest = _read_manifest(manifest_data, archive)
    expected = manifest["files"]
    damaged = sorted(
        name for name in set(expected) | set(found) if found.get(name) != expected.get(name)
    )
    if damaged:
        shown = ", ".join(damaged[:5]) + (" …" if len(damaged) > 5 else "")
        raise BackupError(
            ngettext(
                "The backup archive is damaged: %(count)d file does not match its checksum "
                "in the manifest (%(files)s). Nothing was restored.",
                "The backup archive is damaged: %(count)d files do not match their checksums "
                "in the manifest (%(files)s). Nothing was restored.",
                len(damaged),
            )
            % {"count": len(damaged), "files": shown}
        )
    return manifest


def _open_target(staging: Path | None, name: str) -> IO[bytes]:
    if staging is None:
        return open(os.devnull, "wb")  # noqa: SIM115  (closed by the caller's with)
    target = staging / name
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.open("wb")


def _read_manifest(data: bytes, archive: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
        parts = ("files", "database", "tables", "documents")
        if not isinstance(manifest, dict) or not all(
            isinstance(manifest.get(part), dict) for part in parts
        ):
            raise ValueError("not a manifest")
        fmt = int(manifest.get("format", 0))
    except (TypeError, ValueError) as error:
        raise BackupError(
            _("%(path)s has no readable manifest; it is not a Guanxi backup.") % {"path": archive}
        ) from error
    if fmt > FORMAT:
        raise BackupError(
            _(
                "This backup was made by a newer Guanxi (%(version)s); upgrade Guanxi before "
                "restoring it."
            )
            % {"version": manifest.get("guanxi_version", "?")}
        )
    return manifest


def _check_compatible(
    manifest: dict[str, Any], connection: BaseDatabaseWrapper, report: RestoreReport
) -> None:
    database = manifest["database"]
    if database["vendor"] != connection.vendor:
        raise BackupError(
            _(
                "This backup holds a %(archive)s database but Guanxi is configured for "
                "%(target)s; restore it into the same kind of database."
            )
            % {"archive": database["vendor"], "target": connection.vendor}
        )
    if connection.vendor != "postgresql":
        return
    client_major, _line = _tool_version("pg_restore")
    dumped_with = int((database.get("client") or {}).get("major", 0))
    if client_major < dumped_with:
        raise BackupError(
            _(
                "This backup was written by pg_dump %(archive)s; pg_restore here is version "
                "%(client)s and cannot read it. Install the PostgreSQL %(archive)s client "
                "tools and put them first on the PATH."
            )
            % {"archive": dumped_with, "client": client_major}
        )
    connection.ensure_connection()
    server_major, server_version = _server_version(connection)
    source_major = int(str(database["server_version"]).split(".")[0])
    if server_major != source_major:
        report.notes.append(
            _(
                "The backup comes from PostgreSQL %(source)s and is restored into PostgreSQL "
                "%(target)s."
            )
            % {"source": database["server_version"], "target": server_version}
        )


def _in_use(connection: BaseDatabaseWrapper, documents: Path | None) -> list[str]:
    """What a restore would overwrite: user accounts in the database, files in the documents."""
    found = []
    users_table = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        if users_table in connection.introspection.table_names(cursor):
            users = _count_rows(cursor, [users_table])[users_table]
            if users:
                found.append(
                    ngettext("%(count)d user account", "%(count)d user accounts", users)
                    % {"count": users}
                )
    if documents is not None and documents.is_dir():
        files = sum(1 for path in documents.rglob("*") if path.is_file())
        if files:
            found.append(
                ngettext("%(count)d document file", "%(count)d document files", files)
                % {"count": files}
            )
    return found


def _sqlite_restore(connection: BaseDatabaseWrapper, database_file: Path) -> None:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a database transaction."))
    # The backup API replaces the whole database in one step, through the open connection:
    # a failure leaves it as it was, and the WAL files stay consistent.
    with closing(sqlite3.connect(database_file)) as source:
        source.backup(connection.connection)


def _pg_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    # Django's own idle session would only be in pg_restore's way.
    connection.close()
    result = _run(
        _pg_command(
            connection,
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            # COMMENT ON EXTENSION needs the extension's owner; Guanxi writes no comments.
            "--no-comments",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        ),
        connection,
    )
    if result.returncode:
        raise BackupError(
            _("pg_restore failed, the database is unchanged: %(error)s")
            % {"error": result.stderr.strip()}
        )


def _replace_documents(source: Path, documents: Path, *, aside: Path) -> None:
    """Move the restored files into ``documents``; what was there goes to ``aside``.

    The directory itself stays (it may be a mount point); its entries are moved.
    """
    documents.mkdir(parents=True, exist_ok=True)
    aside.mkdir()
    for entry in list(documents.iterdir()):
        shutil.move(entry, aside / entry.name)
    if source.is_dir():
        for entry in list(source.iterdir()):
            shutil.move(entry, documents / entry.name)


def _check_counts(connection: BaseDatabaseWrapper, manifest: dict[str, Any]) -> None:
    expected: dict[str, int] = manifest["tables"]
    with connection.cursor() as cursor:
        present = set(_tables(cursor, connection.vendor))
        actual = _count_rows(cursor, [table for table in expected if table in present])
    wrong = [
        f"{table} ({actual.get(table, 0)} ≠ {count})"
        for table, count in expected.items()
        if actual.get(table) != count
    ]
    if wrong:
        raise BackupError(
            _(
                "The restore finished but these tables' row counts differ from the backup's: "
                "%(tables)s."
            )
            % {"tables": ", ".join(wrong[:10])}
        )


def _check_migrations(connection: BaseDatabaseWrapper, report: RestoreReport) -> None:
    executor = MigrationExecutor(connection)
    known = set(executor.loader.graph.nodes)
    unknown = sorted(set(executor.loader.applied_migrations) - known)
    if unknown:
        report.notes.append(
            _(
                "The backup has migrations this Guanxi does not know (%(names)s): it was made "
                "by a newer version."
            )
            % {"names": ", ".join(f"{app}.{name}" for app, name in unknown[:5])}
        )
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        report.notes.append(
            ngettext(
                "The backup is from an earlier version: run “guanxi manage migrate” (%(count)d "
                "migration to apply).",
                "The backup is from an earlier version: run “guanxi manage migrate” (%(count)d "
                "migrations to apply).",
                len(plan),
            )
            % {"count": len(plan)}
        )
