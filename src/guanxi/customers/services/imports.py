"""Customer imports: upload a file, map its columns, check it (dry run), then commit it.

A job is validated before it can be committed; the commit checks every row again (the data may
have changed meanwhile) and creates only valid rows that are neither present (same code) nor
duplicates (same key as a live customer or an earlier row) — so importing the same file twice
creates nothing the second time. Small files run inline; larger ones run as background jobs
that update the job's counters after every batch, which the page and the API show as progress.
"""

import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from functools import partial
from itertools import islice
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.bulk import BatchWriter
from guanxi.core.rules import require
from guanxi.customers import rules
from guanxi.customers.importing import mapping as mapping_module
from guanxi.customers.importing.commit import PreparedRows, prepare_rows, write_rows
from guanxi.customers.importing.readers import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    estimate_rows,
    open_table,
)
from guanxi.customers.importing.validate import (
    DUPLICATE,
    ERROR,
    NEW,
    UNCHANGED,
    RowResult,
    RowValidator,
)
from guanxi.customers.models import ImportJob
from guanxi.customers.models.import_job import STALLED_AFTER

logger = logging.getLogger(__name__)

INLINE_MAX_ROWS = 1000  # up to this many rows a check or commit runs within the request
BATCH_SIZE = 4000
MAX_REPORT_ENTRIES = 2000  # report lines kept per job; the counters stay exact beyond it
State = ImportJob.State


def _binary(file: Any) -> IO[bytes]:
    binary: IO[bytes] = getattr(file, "file", file)
    return binary


def _rows_limit_error() -> ValidationError:
    return ValidationError(
        {"file": _("A file can have at most %(count)d rows.") % {"count": MAX_IMPORT_ROWS}}
    )


def import_job_headers(*, job: ImportJob) -> list[str]:
    with job.file.open("rb") as file, open_table(_binary(file), job.file_name) as table:
        headers: list[str] = table.headers
    return headers


@transaction.atomic
def import_job_create(
    *, actor: User, upload: UploadedFile | None, mapping: dict[str, str] | None = None
) -> ImportJob:
    """Store ``upload`` (CSV or xlsx) as a new job with ``mapping`` or one guessed from headers."""
    require(actor, rules.IMPORT_CUSTOMERS)
    if upload is None:
        raise ValidationError({"file": _("Choose a CSV or xlsx file to import.")})
    if (upload.size or 0) > MAX_IMPORT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(size)d MB.")
                % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
            }
        )
    name = os.path.basename(upload.name or "import.csv")[:255]
    binary = _binary(upload)
    binary.seek(0)
    with open_table(binary, name) as table:
        headers = table.headers
    binary.seek(0)
    rows = estimate_rows(binary, name)
    if rows > MAX_IMPORT_ROWS:
        raise _rows_limit_error()
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    chosen = (
        mapping_module.mapping_clean(mapping, headers)
        if mapping
        else mapping_module.guess_mapping(headers)
    )
    job = ImportJob(
        created_by=actor,
        file_name=name,
        sha256=digest.hexdigest(),
        mapping=chosen,
        total_rows=rows,
    )
    upload.seek(0)
    job.file.save(name, upload, save=False)
    job.save(force_insert=True)
    return job


def _start(
    job: ImportJob,
    *,
    allowed: tuple[str, ...],
    state: str,
    or_stalled: bool = False,
    **changes: Any,
) -> None:
    """Move the job to ``state`` if it is in one of ``allowed``; one winner under double clicks.

    With ``or_stalled`` a job whose worker stopped mid-way (ImportJob.is_stalled) may start
    again; checking again is safe, as rows already imported are then "already present".
    """
    now = timezone.now()
    may_start = Q(state__in=allowed)
    if or_stalled:
        cutoff = now - STALLED_AFTER
        may_start |= Q(state__in=(State.VALIDATING, State.IMPORTING)) & (
            Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)
        )
    moved = ImportJob.objects.filter(may_start, pk=job.pk).update(
        state=state, progress_at=now, **changes
    )
    if not moved:
        raise ValidationError(
            {
                "state": _("This import cannot do that now (it is “%(state)s”).")
                % {"state": job.get_state_display()}
            }
        )
    job.refresh_from_db()


def import_job_validate(
    *,
    actor: User,
    job: ImportJob,
    mapping: dict[str, str] | None = None,
    then_commit: bool = False,
) -> ImportJob:
    """Check every row (dry run: nothing is written); inline if small, else as a job.

    With ``then_commit`` the valid new rows are imported right after a successful check.
    """
    require(actor, rules.IMPORT_CUSTOMERS)
    chosen = mapping_module.mapping_clean(
        job.mapping if mapping is None else mapping, import_job_headers(job=job)
    )
    with transaction.atomic():
        _start(
            job,
            allowed=(State.UPLOADED, State.VALIDATED, State.FAILED),
            or_stalled=True,
            state=State.VALIDATING,
            mapping=chosen,
            processed_rows=0,
            created_count=0,
            updated_count=0,
            skipped_count=0,
            error_count=0,
            duplicate_count=0,
            report=[],
            error="",
            finished_at=None,
        )
        if job.total_rows > INLINE_MAX_ROWS:
            # Imported here: customers.tasks imports this module (a cycle at module level).
            from guanxi.customers.tasks import import_job_validate_task

            job_id = str(job.pk)
            transaction.on_commit(
                lambda: import_job_validate_task.enqueue(job_id=job_id, then_commit=then_commit)
            )
            return job
    import_job_run_validation(job_id=job.pk, then_commit=then_commit)
    job.refresh_from_db()
    return job


def import_job_commit(*, actor: User, job: ImportJob) -> ImportJob:
    """Import the valid new rows of a checked job; inline if small, else as a job."""
    require(actor, rules.IMPORT_CUSTOMERS)
    if job.state != State.VALIDATED:
        raise ValidationError({"state": _("Check the file (dry run) before importing it.")})
    with transaction.atomic():
        _start(job, allowed=(State.VALIDATED,), state=State.IMPORTING, processed_rows=0)
        if job.total_rows > INLINE_MAX_ROWS:
            # Imported here: customers.tasks imports this module (a cycle at module level).
            from guanxi.customers.tasks import import_job_commit_task

            job_id = str(job.pk)
            transaction.on_commit(lambda: import_job_commit_task.enqueue(job_id=job_id))
            return job
    import_job_run_commit(job_id=job.pk)
    job.refresh_from_db()
    return job


# -- the work itself (inline, or in the worker through customers.tasks) ----------------------


def _batches(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(rows, size)):
        yield batch


class _Tally:
    """Counters and report lines of one pass over the file."""

    def __init__(self) -> None:
        self.counts = {NEW: 0, UNCHANGED: 0, DUPLICATE: 0, ERROR: 0}
        self.processed = 0
        self.report: list[dict[str, Any]] = []

    def add(self, results: list[RowResult]) -> None:
        for result in results:
            self.counts[result.status] += 1
            room = MAX_REPORT_ENTRIES - len(self.report)
            if room > 0 and result.findings:
                self.report.extend(result.findings[:room])
        self.processed += len(results)
        if self.processed > MAX_IMPORT_ROWS:
            raise _rows_limit_error()

    def fields(self) -> dict[str, Any]:
        return {
            "processed_rows": self.processed,
            "skipped_count": self.counts[UNCHANGED],
            "duplicate_count": self.counts[DUPLICATE],
            "error_count": self.counts[ERROR],
            "report": self.report,
        }


def _run(job_id: Any, work: Callable[[ImportJob], None]) -> ImportJob | None:
    """Run ``work(job)`` in the importer's language; a failure marks the job failed."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return None
    with translation.override(getattr(job.created_by, "language", None) or None):
        try:
            work(job)
        except ValidationError as error:
            messages = (
                [m for ms in error.message_dict.values() for m in ms]
                if hasattr(error, "error_dict")
                else error.messages
            )
            ImportJob.objects.filter(pk=job.pk).update(
                state=State.FAILED, error=" ".join(messages), finished_at=timezone.now()
            )
        except Exception:
            logger.exception("customer import %s failed", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                state=State.FAILED,
                error=_("The import stopped because of an internal error."),
                finished_at=timezone.now(),
            )
    job.refresh_from_db()
    return job


def _pass(job: ImportJob, on_batch: Callable[[list[RowResult]], None]) -> _Tally:
    """Read and check every row of the job's file; ``on_batch(results)`` after each batch."""
    tally = _Tally()
    with job.file.open("rb") as file, open_table(_binary(file), job.file_name) as table:
        validator = RowValidator(actor=job.created_by, headers=table.headers, mapping=job.mapping)
        for batch in _batches(table.rows, BATCH_SIZE):
            results = validator.check_batch(batch)
            on_batch(results)
            tally.add(results)
            # Progress for the page and the API; the estimate grows if the file had more rows.
            ImportJob.objects.filter(pk=job.pk).update(
                processed_rows=tally.processed,
                total_rows=max(job.total_rows, tally.processed),
                progress_at=timezone.now(),
            )
    return tally


def import_job_run_validation(*, job_id: Any, then_commit: bool = False) -> ImportJob | None:
    def work(job: ImportJob) -> None:
        tally = _pass(job, on_batch=lambda results: None)
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.VALIDATED, total_rows=tally.processed, **tally.fields()
        )

    job = _run(job_id, work)
    if then_commit and job is not None and job.state == State.VALIDATED:
        _start(job, allowed=(State.VALIDATED,), state=State.IMPORTING, processed_rows=0)
        job = import_job_run_commit(job_id=job_id)
    return job


def import_job_run_commit(*, job_id: Any) -> ImportJob | None:
    def work(job: ImportJob) -> None:
        actor = job.created_by

        def write(prepared: PreparedRows) -> None:
            ids = write_rows(prepared, actor=actor, job_id=job.pk, file_name=job.file_name)
            ImportJob.objects.filter(pk=job.pk).update(created_count=F("created_count") + len(ids))

        # On PostgreSQL outside a transaction, batch k is written (and indexed) by a second
        # thread while this one checks batch k+1 and computes its columns; the file's own
        # duplicates are caught in memory, so the check need not see the rows being written.
        writer = BatchWriter(
            threaded=connection.vendor == "postgresql" and not connection.in_atomic_block
        )

        def on_batch(results: list[RowResult]) -> None:
            new = [result for result in results if result.status == NEW]
            if not new:
                return
            if writer.threaded:
                writer.submit(partial(write, prepare_rows(rows=new, actor=actor)))
            else:
                with transaction.atomic():
                    write(prepare_rows(rows=new, actor=actor))

        try:
            tally = _pass(job, on_batch=on_batch)
        finally:
            writer.close()
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.DONE, finished_at=timezone.now(), **tally.fields()
        )

    return _run(job_id, work)
