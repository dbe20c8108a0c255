"""Imports of any registered entity: upload a file, map its columns, check it, commit it.

A job is checked (a dry run: every row goes through its service in a transaction that is
rolled back) before it can be committed; the commit checks every row again, since the data may
have changed. Small files run within the request; larger ones as background jobs that move
the job's counters after every batch. Rows with the external id of a present record update it
(or leave it, when nothing changed), so importing the same file twice adds nothing.
"""

import hashlib
import logging
import os
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.core.imports import mapping as mapping_module
from guanxi.core.imports.duplicates import NOT_UPDATABLE, duplicates_clean
from guanxi.core.imports.engine import FilePass, PassResult
from guanxi.core.imports.limits import too_large_message
from guanxi.core.imports.readers import estimate_rows, open_table
from guanxi.core.imports.registry import CREATED, UNCHANGED, UPDATED, Importer, importer_for
from guanxi.core.models import ImportJob
from guanxi.core.models.imports import STALLED_AFTER

logger = logging.getLogger(__name__)

INLINE_MAX_ROWS = 1000  # up to this many rows a check or commit runs within the request
State = ImportJob.State


def _binary(file: Any) -> IO[bytes]:
    binary: IO[bytes] = getattr(file, "file", file)
    return binary


def importer_require(*, actor: Any, entity: str) -> type[Importer]:
    """The entity's importer if ``actor`` may use it; PermissionDenied otherwise."""
    try:
        spec = importer_for(entity)
    except LookupError as missing:
        raise ValidationError(
            {"entity": _("Nothing can be imported as “%(entity)s”.") % {"entity": entity}}
        ) from missing
    if not actor.has_perm(spec.permission):
        raise PermissionDenied(_("You may not import %(entity)s.") % {"entity": spec.label})
    return spec


def import_job_headers(*, job: ImportJob) -> list[str]:
    with job.file.open("rb") as file, open_table(_binary(file), job.file_name) as table:
        headers: list[str] = table.headers
    return headers


def _mapping(spec: type[Importer], mapping: Any, headers: list[str]) -> dict[str, str]:
    if isinstance(mapping, dict):
        mapping = spec.resolve_aliases(mapping)
    cleaned = mapping_module.mapping_clean(
        mapping, headers, fields=spec.field_table(), required=spec.required()
    )
    spec.mapping_check(cleaned)
    return cleaned


@transaction.atomic
def _duplicates(spec: type[Importer], job: ImportJob, data: Any) -> dict[str, Any]:
    """``data`` cleaned as the job's duplicate policy: its rows must be duplicate rows of the
    last check (any row of the file while the check listed only the first ones)."""
    found = job.duplicates_found or {}
    listed = [entry["row"] for entry in found.get("rows", [])]
    rows: Iterable[int] = listed
    if not found or found.get("count", 0) > len(listed):
        rows = range(2, max(job.total_rows, job.processed_rows) + 2)
    updatable = [c.name for c in spec.updatable() if c.name not in NOT_UPDATABLE]
    return duplicates_clean(data, updatable=updatable, rows=rows)


def import_job_create(
    *,
    actor: Any,
    entity: str,
    upload: UploadedFile | None,
    mapping: dict[str, str] | None = None,
    mode: str = ImportJob.Mode.VALID_ROWS,
    duplicates: dict[str, Any] | None = None,
    profile: str = "",
    options: dict[str, Any] | None = None,
) -> ImportJob:
    """Store ``upload`` as a new job of ``entity`` with ``mapping``, or the one of the import
    profile ``profile`` (an id, a preset's key or ``auto``), or one guessed, the
    ``duplicates`` policy given (skip them by default) and the importer's ``options``."""
    spec = importer_require(actor=actor, entity=entity)
    chosen_options = spec.options_clean(actor=actor, given=options)
    if upload is None:
        raise ValidationError({"file": _("Choose a CSV or xlsx file to import.")})
    if mode not in ImportJob.Mode.values:
        raise ValidationError({"mode": _("Choose how rows with errors are handled.")})
    if (upload.size or 0) > spec.max_bytes:
        raise ValidationError({"file": too_large_message(spec.max_bytes)})
    name = os.path.basename(upload.name or "import.csv")[:255]
    binary = _binary(upload)
    binary.seek(0)
    with open_table(binary, name) as table:
        headers = table.headers
    binary.seek(0)
    rows = estimate_rows(binary, name)
    if rows > spec.max_rows:
        raise ValidationError(
            {"file": _("A file can have at most %(count)d rows.") % {"count": spec.max_rows}}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    # The profiles' module imports this one.
    from guanxi.core.services.import_profiles import profile_apply, profile_choose

    applied = (
        None if mapping else profile_choose(actor=actor, spec=spec, key=profile, headers=headers)
    )
    value_mapping: dict[str, Any] = {}
    if mapping:
        chosen = _mapping(spec, mapping, headers)
    elif applied is not None:
        chosen, value_mapping = profile_apply(spec, applied, headers)
    else:
        chosen = mapping_module.guess_mapping(headers, spec.field_table())
    job = ImportJob(
        entity=spec.entity,
        created_by=actor,
        file_name=name,
        sha256=digest.hexdigest(),
        mapping=chosen,
        value_mapping=value_mapping,
        profile_name=applied.name if applied is not None else "",
        mode=mode,
        options=chosen_options,
        total_rows=rows,
    )
    if duplicates is not None:
        job.duplicates = _duplicates(spec, job, duplicates)
    upload.seek(0)
    job.file.save(name, upload, save=False)
    job.save(force_insert=True)
    return job


def _start(job: ImportJob, *, allowed: tuple[str, ...], state: str, **changes: Any) -> None:
    """Move the job to ``state`` if it is in one of ``allowed`` (or stalled); one winner."""
    now = timezone.now()
    cutoff = now - STALLED_AFTER
    may_start = Q(state__in=allowed) | (
        Q(state__in=(State.VALIDATING, State.IMPORTING))
        & (Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff))
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


_RESET = {
    "processed_rows": 0,
    "created_count": 0,
    "updated_count": 0,
    "skipped_count": 0,
    "error_count": 0,
    "warning_count": 0,
    "kind_counts": [],
    "report": [],
    "duplicates_found": {},
    "error": "",
    "finished_at": None,
}


def import_job_validate(
    *,
    actor: Any,
    job: ImportJob,
    mapping: dict[str, str] | None = None,
    mode: str | None = None,
    duplicates: dict[str, Any] | None = None,
    then_commit: bool = False,
    options: dict[str, Any] | None = None,
) -> ImportJob:
    """Check every row (dry run: nothing is kept); inline if small, else as a background job.

    ``duplicates`` replaces the job's duplicate policy (see guanxi.core.imports.duplicates),
    ``options`` the importer's options. With ``then_commit`` the rows are imported right after
    a check (for the API).
    """
    spec = importer_require(actor=actor, entity=job.entity)
    chosen_options = spec.options_clean(
        actor=actor, given=job.options if options is None else options
    )
    chosen = _mapping(
        spec, job.mapping if mapping is None else mapping, import_job_headers(job=job)
    )
    if mode is not None and mode not in ImportJob.Mode.values:
        raise ValidationError({"mode": _("Choose how rows with errors are handled.")})
    policy = job.duplicates if duplicates is None else _duplicates(spec, job, duplicates)
    with transaction.atomic():
        _start(
            job,
            allowed=(State.UPLOADED, State.VALIDATED, State.FAILED),
            state=State.VALIDATING,
            mapping=chosen,
            mode=mode or job.mode,
            duplicates=policy,
            options=chosen_options,
            **_RESET,
        )
        if job.total_rows > INLINE_MAX_ROWS:
            from guanxi.core.tasks import import_job_validate_task  # the tasks import this module

            job_id = str(job.pk)
            transaction.on_commit(
                lambda: import_job_validate_task.enqueue(job_id=job_id, then_commit=then_commit)
            )
            return job
    import_job_run_validation(job_id=job.pk, then_commit=then_commit)
    job.refresh_from_db()
    return job


def import_job_duplicates_set(*, actor: Any, job: ImportJob, duplicates: Any) -> ImportJob:
    """Choose what the job's duplicate rows do; a checked job is checked again, so its counts
    tell what the commit will do with the new choice."""
    spec = importer_require(actor=actor, entity=job.entity)
    policy = _duplicates(spec, job, duplicates)
    if job.state == State.VALIDATED:
        return import_job_validate(actor=actor, job=job, duplicates=policy)
    moved = ImportJob.objects.filter(pk=job.pk, state__in=(State.UPLOADED, State.FAILED)).update(
        duplicates=policy
    )
    if not moved:
        raise ValidationError(
            {
                "state": _("This import cannot do that now (it is “%(state)s”).")
                % {"state": job.get_state_display()}
            }
        )
    job.refresh_from_db()
    return job


def import_job_commit(
    *, actor: Any, job: ImportJob, duplicates: dict[str, Any] | None = None
) -> ImportJob:
    """Import a checked job's rows; inline if small, else as a background job.

    ``duplicates`` replaces the job's duplicate policy first (the commit checks every row
    again, so it follows the new choice).
    """
    spec = importer_require(actor=actor, entity=job.entity)
    changes: dict[str, Any] = {}
    if duplicates is not None:
        changes["duplicates"] = _duplicates(spec, job, duplicates)
    if job.state != State.VALIDATED:
        raise ValidationError({"state": _("Check the file (dry run) before importing it.")})
    if job.mode == ImportJob.Mode.ALL_OR_NOTHING and job.error_count:
        raise ValidationError(
            {
                "state": _(
                    "Rows have errors and this import takes all rows or none: correct the "
                    "file and check it again, or import the valid rows only."
                )
            }
        )
    with transaction.atomic():
        _start(
            job,
            allowed=(State.VALIDATED,),
            state=State.IMPORTING,
            processed_rows=0,
            **changes,
        )
        if job.total_rows > INLINE_MAX_ROWS:
            from guanxi.core.tasks import import_job_commit_task  # the tasks import this module

            job_id = str(job.pk)
            transaction.on_commit(lambda: import_job_commit_task.enqueue(job_id=job_id))
            return job
    import_job_run_commit(job_id=job.pk)
    job.refresh_from_db()
    return job


# -- the work itself (inline, or in the worker through core.tasks) ---------------------------


def _pass(job: ImportJob, *, dry_run: bool) -> PassResult:
    file_pass = FilePass(
        entity=job.entity,
        actor=job.created_by,
        mapping=job.mapping,
        duplicates=job.duplicates,
        value_mapping=job.value_mapping,
        options=job.options,
    )
    file_pass.importer.job = job

    def progress(processed: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=processed,
            total_rows=max(job.total_rows, processed),
            progress_at=timezone.now(),
        )

    with job.file.open("rb") as file:
        result = file_pass.run(
            _binary(file),
            job.file_name,
            dry_run=dry_run,
            all_or_nothing=job.mode == ImportJob.Mode.ALL_OR_NOTHING,
            on_progress=progress,
        )
    report = result.report
    assert report is not None
    report_file = report.close()
    try:
        if job.report_file:
            job.report_file.delete(save=False)
        job.report_file.save(f"{job.pk}-report.xlsx", File(report_file), save=False)
    finally:
        report_file.close()
    counts = result.counts
    created = 0 if result.rolled_back else counts[CREATED]
    updated = 0 if result.rolled_back else counts[UPDATED]
    ImportJob.objects.filter(pk=job.pk).update(
        processed_rows=result.processed,
        total_rows=result.processed,
        created_count=created,
        updated_count=updated,
        skipped_count=counts[UNCHANGED],
        error_count=counts["error"],
        warning_count=counts["warning"],
        kind_counts=report.kind_counts(),
        report=report.entries,
        duplicates_found=report.duplicates_found(),
        report_file=job.report_file.name,
    )
    return result


def _run(job_id: Any, work: Any) -> ImportJob | None:
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
            logger.exception("import %s (%s) failed", job.pk, job.entity)
            ImportJob.objects.filter(pk=job.pk).update(
                state=State.FAILED,
                error=_("The import stopped because of an internal error."),
                finished_at=timezone.now(),
            )
    job.refresh_from_db()
    return job


def import_job_run_validation(*, job_id: Any, then_commit: bool = False) -> ImportJob | None:
    def work(job: ImportJob) -> None:
        _pass(job, dry_run=True)
        ImportJob.objects.filter(pk=job.pk).update(state=State.VALIDATED)

    job = _run(job_id, work)
    if then_commit and job is not None and job.state == State.VALIDATED:
        if job.mode == ImportJob.Mode.ALL_OR_NOTHING and job.error_count:
            return job
        _start(job, allowed=(State.VALIDATED,), state=State.IMPORTING, processed_rows=0)
        job = import_job_run_commit(job_id=job_id)
    return job


def import_job_run_commit(*, job_id: Any) -> ImportJob | None:
    def work(job: ImportJob) -> None:
        result = _pass(job, dry_run=False)
        if result.rolled_back:
            ImportJob.objects.filter(pk=job.pk).update(
                state=State.FAILED,
                finished_at=timezone.now(),
                error=_(
                    "Nothing was imported: %(count)d rows were refused and this import takes "
                    "all rows or none. The report lists them."
                )
                % {"count": result.counts["error"]},
            )
            return
        ImportJob.objects.filter(pk=job.pk).update(state=State.DONE, finished_at=timezone.now())

    return _run(job_id, work)
