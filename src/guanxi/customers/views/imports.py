"""Customer import pages 客户导入: upload → column mapping → check (dry run) → import.

One page per job shows whatever its state calls for: the mapping form, the progress bar of a
running check or import (polled with htmx every second), the per-row report and the import
button. Only the importer (or an administrator) sees a job; anyone else gets a 404. A
multi-step wizard with a polled progress partial and file downloads, so function views rather
than the generic page views.
"""

import csv
import io

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from guanxi.core.decorators import requires
from guanxi.core.export import content_disposition
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.views.generic import object_or_404
from guanxi.customers import rules
from guanxi.customers.importing.mapping import IMPORT_FIELDS
from guanxi.customers.importing.readers import MAX_IMPORT_BYTES
from guanxi.customers.models import ImportJob
from guanxi.customers.selectors import imports as selectors_import
from guanxi.customers.services import imports as services_import
from guanxi.customers.views.base import signed_in
from guanxi.customers.views.customers import ACTIVE_NAV

RUNNING = (ImportJob.State.VALIDATING, ImportJob.State.IMPORTING)
MAPPABLE = (ImportJob.State.UPLOADED, ImportJob.State.VALIDATED, ImportJob.State.FAILED)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or xlsx)"))


class ImportMappingForm(forms.Form):
    """One choice per file column: the customer field it fills, or nothing."""

    def __init__(self, *args, headers: list[str], mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— do not import —"))] + [
            (name, label) for name, label, _synonyms in IMPORT_FIELDS
        ]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(column %(number)d)") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(header, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}") or ""
            for index, header in enumerate(self.headers)
            if header
        }


def _job(request: HttpRequest, pk: object) -> ImportJob:
    job = object_or_404(selectors_import.import_job_get, actor=signed_in(request), pk=pk)
    assert isinstance(job, ImportJob)
    return job


@requires(rules.IMPORT_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services_import.import_job_create(
                actor=signed_in(request), upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("customers:import_detail", pk=job.pk)
    return render(
        request,
        "customers/import_upload.html",
        {
            "active_nav": ACTIVE_NAV,
            "form": form,
            "jobs": selectors_import.import_job_list(actor=signed_in(request))[:20],
            "max_mb": MAX_IMPORT_BYTES // (1024 * 1024),
        },
        status=400 if form.errors else 200,
    )


def _detail(request, job: ImportJob, mapping_form=None, status=200, commit_error=""):
    if mapping_form is None and (job.state in MAPPABLE or job.is_stalled):
        try:
            headers = services_import.import_job_headers(job=job)
        except ValidationError:
            headers = []
        mapping_form = ImportMappingForm(headers=headers, mapping=job.mapping)
    return render(
        request,
        "customers/import_detail.html",
        {
            "active_nav": ACTIVE_NAV,
            "job": job,
            "running": job.state in RUNNING and not job.is_stalled,
            "mapping_form": mapping_form,
            "new_rows": import_new_rows(job),
            "commit_error": commit_error,
        },
        status=status,
    )


def import_new_rows(job: ImportJob) -> int:
    """Rows a checked job will create (or a finished one created)."""
    if job.state == ImportJob.State.DONE:
        return job.created_count
    return max(job.total_rows - job.skipped_count - job.duplicate_count - job.error_count, 0)


@requires(rules.IMPORT_CUSTOMERS)
@require_GET
def import_detail(request, pk):
    return _detail(request, _job(request, pk))


@requires(rules.IMPORT_CUSTOMERS)
@require_POST
def import_check(request, pk):
    job = _job(request, pk)
    headers = services_import.import_job_headers(job=job)
    form = ImportMappingForm(request.POST, headers=headers, mapping=job.mapping)
    if form.is_valid():
        try:
            services_import.import_job_validate(
                actor=signed_in(request), job=job, mapping=form.mapping()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("customers:import_detail", pk=job.pk)
    return _detail(request, job, mapping_form=form, status=400)


@requires(rules.IMPORT_CUSTOMERS)
@require_POST
def import_commit(request, pk):
    job = _job(request, pk)
    try:
        services_import.import_job_commit(actor=signed_in(request), job=job)
    except ValidationError as error:
        job.refresh_from_db()
        return _detail(request, job, status=400, commit_error=" ".join(error.messages))
    return redirect("customers:import_detail", pk=job.pk)


@requires(rules.IMPORT_CUSTOMERS)
@require_GET
def import_progress(request, pk):
    """The progress bar alone, for htmx polling; when the job stops, the whole page reloads."""
    job = _job(request, pk)
    response = render(request, "customers/partials/_import_progress.html", {"job": job})
    if job.state not in RUNNING or job.is_stalled:
        response["HX-Refresh"] = "true"
    return response


@requires(rules.IMPORT_CUSTOMERS)
@require_GET
def import_template(request, fmt):
    """An empty file with every importable column, headed in the user's language."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    headers = [str(label) for _name, label, _synonyms in IMPORT_FIELDS]
    name = _("customer-import-template")
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Customers"))
        sheet.append(headers)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    else:
        text = io.StringIO()
        csv.writer(text).writerow(headers)
        # With a BOM, so that Excel opens the Chinese headers as UTF-8.
        response = HttpResponse(
            text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = content_disposition(f"{name}.{fmt}")
    return response
