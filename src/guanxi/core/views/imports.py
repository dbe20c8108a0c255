"""Import pages of every registered entity 数据导入: upload → columns → check → import.

One set of views and templates serves every importer; each app mounts them under its own
prefix with :func:`import_urlpatterns` (``/customers/contacts/import/``,
``/sales/products/import/``…). One page per job shows what its state calls for: the column
mapping, the progress of a running check or import (polled with htmx), the counts per kind of
problem, the first findings and the full report as xlsx. Only the importer (or an
administrator) sees a job; anyone else gets a 404.
"""

import csv
import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from guanxi.core.export import content_disposition
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.forms.import_values import ImportProfileForm
from guanxi.core.htmx import is_partial
from guanxi.core.imports.distinct import value_columns
from guanxi.core.imports.duplicates import CHOICES as DUPLICATE_CHOICES
from guanxi.core.imports.duplicates import NOT_UPDATABLE, DuplicatePolicy, choice_label
from guanxi.core.imports.limits import (
    ImportSizeLimitHandler,
    declared_too_large,
    max_megabytes,
    too_large_message,
)
from guanxi.core.imports.mapping import APPEND_TO_NOTES
from guanxi.core.imports.registry import Importer, importer_for
from guanxi.core.models import ImportJob
from guanxi.core.selectors import imports as selectors_imports
from guanxi.core.services import import_profiles as services_profiles
from guanxi.core.services import import_values as services_values
from guanxi.core.services import imports as services_imports
from guanxi.core.services.import_profiles import AUTO

RUNNING = (ImportJob.State.VALIDATING, ImportJob.State.IMPORTING)
MAPPABLE = (ImportJob.State.UPLOADED, ImportJob.State.VALIDATED, ImportJob.State.FAILED)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class EntityImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or xlsx)"))
    mode = forms.ChoiceField(
        label=gettext_lazy("Rows with errors"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.VALID_ROWS,
        widget=forms.RadioSelect,
    )
    profile = forms.ChoiceField(label=gettext_lazy("Import profile"), required=False)

    def __init__(
        self,
        *args: Any,
        profiles: list[tuple[str, str]],
        spec: type[Importer] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["profile"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (AUTO, _("Automatic: a profile whose headers match the file")),
            ("", _("None: guess from the headers")),
            *profiles,
        ]
        field.initial = AUTO
        self.option_names = _option_fields(self, spec, {})

    def option_fields(self) -> list[Any]:
        return [self[name] for name in self.option_names]


def _option_fields(form: forms.Form, spec: type[Importer] | None, chosen: dict) -> list[str]:
    """A tick box per option of the importer (``option_<name>``); their field names."""
    names = []
    for option in spec.options if spec is not None else ():
        name = f"option_{option.name}"
        form.fields[name] = forms.BooleanField(
            label=str(option.label),
            help_text=str(option.help_text),
            required=False,
            initial=bool(chosen.get(option.name)),
        )
        names.append(name)
    return names


def _options_of(form: forms.Form, names: list[str]) -> dict[str, bool]:
    return {name.removeprefix("option_"): bool(form.cleaned_data.get(name)) for name in names}


class EntityImportMappingForm(forms.Form):
    """One choice per file column: the field it fills, or nothing; the importer's options."""

    def __init__(
        self,
        *args: Any,
        spec: type[Importer],
        headers: list[str],
        mapping: dict,
        options: dict | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        mapping = spec.resolve_aliases(mapping)
        choices = [("", _("— do not import —"))] + [
            (column.name, column.label) for column in spec.all_columns()
        ]
        if any(column.name == "notes" for column in spec.all_columns()):
            choices.append((APPEND_TO_NOTES, _("Add to the notes (“column: value”)")))
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(column %(number)d)") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(header, ""),
            )
        self.option_names = _option_fields(self, spec, options or {})

    def column_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("column_")]

    def option_fields(self) -> list[Any]:
        return [self[name] for name in self.option_names]

    def options(self) -> dict[str, bool]:
        return _options_of(self, self.option_names)

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}") or ""
            for index, header in enumerate(self.headers)
            if header
        }


def _spec(request: HttpRequest, entity: str) -> type[Importer]:
    try:
        spec = importer_for(entity)
    except LookupError as missing:
        raise Http404 from missing
    if not request.user.has_perm(spec.permission):
        raise PermissionDenied
    return spec


def _url(spec: type[Importer], step: str, *args: Any) -> str:
    suffix = f"_{step}" if step else ""
    return reverse(f"{spec.url_namespace}:{spec.entity}_import{suffix}", args=args)


def _job(request: HttpRequest, spec: type[Importer], pk: Any) -> ImportJob:
    try:
        return selectors_imports.import_job_get(actor=request.user, entity=spec.entity, pk=pk)
    except (ImportJob.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def _context(spec: type[Importer], **extra: Any) -> dict[str, Any]:
    return {
        "active_nav": spec.url_namespace,
        "spec": spec,
        "entity_label": spec.label,
        "urls": {
            "upload": _url(spec, ""),
            "template_xlsx": _url(spec, "template", "xlsx"),
            "template_csv": _url(spec, "template", "csv"),
            "list": reverse(spec.list_url),
            "profiles": _url(spec, "profiles"),
        },
        "max_mb": max_megabytes(spec.max_bytes),
        "max_bytes": spec.max_bytes,
        "max_rows": spec.max_rows,
        **extra,
    }


def _profile_choices(request: HttpRequest, spec: type[Importer]) -> list[tuple[str, str]]:
    candidates = services_profiles.profile_candidates(actor=request.user, spec=spec)
    return [
        (c.key, c.name if not c.preset else _("%(name)s (preset)") % {"name": c.name})
        for c in candidates
    ]


def _refused_upload(spec: type[Importer], request: HttpRequest) -> EntityImportUploadForm:
    """The upload form, showing the size refusal on ``file`` (the body was never read)."""
    form = EntityImportUploadForm(
        {"mode": ImportJob.Mode.VALID_ROWS}, {}, profiles=_profile_choices(request, spec), spec=spec
    )
    form.is_valid()
    form.errors.pop("file", None)
    form.add_error("file", too_large_message(spec.max_bytes))
    return form


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, entity: str) -> HttpResponse:
    """Refuses a body larger than the limit before reading it (the CSRF check would read it,
    so it runs after, in :func:`_import_upload`); a body without a length is cut off."""
    spec = _spec(request, entity)
    if request.method == "POST" and declared_too_large(request.META, spec.max_bytes):
        return _upload_page(request, spec, _refused_upload(spec, request))
    limit = ImportSizeLimitHandler(request, spec.max_bytes)
    request.upload_handlers = [limit, *request.upload_handlers]
    return _import_upload(request, spec, limit)


@csrf_protect
def _import_upload(
    request: HttpRequest, spec: type[Importer], limit: ImportSizeLimitHandler
) -> HttpResponse:
    profiles = _profile_choices(request, spec)
    form = EntityImportUploadForm(
        request.POST or None, request.FILES or None, profiles=profiles, spec=spec
    )
    if limit.exceeded:
        return _upload_page(request, spec, _refused_upload(spec, request))
    if request.method == "POST" and form.is_valid():
        try:
            job = services_imports.import_job_create(
                actor=request.user,
                entity=spec.entity,
                upload=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
                profile=form.cleaned_data["profile"],
                options=_options_of(form, form.option_names),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(_url(spec, "detail", job.pk))
    return _upload_page(request, spec, form)


def _upload_page(
    request: HttpRequest, spec: type[Importer], form: EntityImportUploadForm
) -> HttpResponse:
    jobs = selectors_imports.import_job_list(actor=request.user, entity=spec.entity)[:20]
    context = _context(spec, form=form, jobs=[(job, _url(spec, "detail", job.pk)) for job in jobs])
    return render(request, "core/imports/upload.html", context, status=400 if form.errors else 200)


def _duplicates_context(spec: type[Importer], job: ImportJob) -> dict[str, Any] | None:
    """The duplicates section: each listed row with its choice, the choice for all, and the
    fields an update may write (the mapped ones first checked when none were chosen)."""
    found = job.duplicates_found or {}
    if not found.get("count"):
        return None
    policy = DuplicatePolicy.from_json(job.duplicates)
    mapped = set(job.mapping.values())
    updatable = [c for c in spec.updatable() if c.name not in NOT_UPDATABLE]
    shown = [c for c in updatable if c.name in mapped] or updatable
    chosen = set(policy.fields) if policy.fields is not None else {c.name for c in shown}
    return {
        "count": found["count"],
        "choices": [
            (value, label, found.get("choices", {}).get(value, 0))
            for value, label in DUPLICATE_CHOICES
        ],
        "all": policy.all,
        "fields": [(c.name, c.label, c.name in chosen) for c in shown],
        "rows": [
            {
                **entry,
                "chosen": policy.rows.get(entry["row"], ""),
                "label": choice_label(entry["choice"]),
            }
            for entry in found.get("rows", [])
        ],
        "listed_all": len(found.get("rows", [])) >= found["count"],
    }


def _detail(request, spec, job, mapping_form=None, status=200, commit_error="", **extra):
    if mapping_form is None and (job.state in MAPPABLE or job.is_stalled):
        try:
            headers = services_imports.import_job_headers(job=job)
        except ValidationError:
            headers = []
        mapping_form = EntityImportMappingForm(
            spec=spec, headers=headers, mapping=job.mapping, options=job.options
        )
    context = _context(
        spec,
        job=job,
        running=job.state in RUNNING and not job.is_stalled,
        mapping_form=mapping_form,
        value_columns=value_columns(spec, job.mapping),
        profile_form=ImportProfileForm() if job.mapping else None,
        commit_error=commit_error,
        job_urls={
            "check": _url(spec, "check", job.pk),
            "commit": _url(spec, "commit", job.pk),
            "progress": _url(spec, "progress", job.pk),
            "report": _url(spec, "report", job.pk),
            "duplicates": _url(spec, "duplicates", job.pk),
            "values": _url(spec, "values", job.pk),
            "profile": _url(spec, "profile", job.pk),
        },
        duplicates=_duplicates_context(spec, job)
        if job.state == ImportJob.State.VALIDATED
        else None,
        duplicate_choices=DUPLICATE_CHOICES,
        **extra,
        may_commit=job.state == ImportJob.State.VALIDATED
        and (job.created_count or job.updated_count)
        and not (job.mode == ImportJob.Mode.ALL_OR_NOTHING and job.error_count),
    )
    return render(request, "core/imports/detail.html", context, status=status)


@login_required
@require_GET
def import_detail(request: HttpRequest, entity: str, pk: Any) -> HttpResponse:
    spec = _spec(request, entity)
    return _detail(request, spec, _job(request, spec, pk))


@login_required
@require_POST
def import_check(request: HttpRequest, entity: str, pk: Any) -> HttpResponse:
    spec = _spec(request, entity)
    job = _job(request, spec, pk)
    headers = services_imports.import_job_headers(job=job)
    form = EntityImportMappingForm(
        request.POST, spec=spec, headers=headers, mapping=job.mapping, options=job.options
    )
    if form.is_valid():
        try:
            if request.POST.get("then") == "values":
                services_values.import_job_set_mapping(
                    actor=request.user, job=job, mapping=form.mapping(), options=form.options()
                )
                return redirect(_url(spec, "values", job.pk))
            services_imports.import_job_validate(
                actor=request.user, job=job, mapping=form.mapping(), options=form.options()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(_url(spec, "detail", job.pk))
    return _detail(request, spec, job, mapping_form=form, status=400)


@login_required
@require_POST
def import_commit(request: HttpRequest, entity: str, pk: Any) -> HttpResponse:
    spec = _spec(request, entity)
    job = _job(request, spec, pk)
    try:
        services_imports.import_job_commit(actor=request.user, job=job)
    except ValidationError as error:
        job.refresh_from_db()
        return _detail(request, spec, job, status=400, commit_error=" ".join(error.messages))
    return redirect(_url(spec, "detail", job.pk))


def _posted_duplicates(post: Any) -> dict[str, Any]:
    """The duplicates form as a policy: the choice for all, the rows' own choices, the fields."""
    rows = {
        key.removeprefix("row_"): value
        for key, value in post.items()
        if key.startswith("row_") and value
    }
    policy: dict[str, Any] = {"all": post.get("all") or "skip", "rows": rows}
    if post.get("fields_shown"):
        policy["fields"] = post.getlist("fields")
    return policy


@login_required
@require_POST
def import_duplicates(request: HttpRequest, entity: str, pk: Any) -> HttpResponse:
    """Choose what duplicate rows do, then check the file again (counts follow the choice)."""
    spec = _spec(request, entity)
    job = _job(request, spec, pk)
    try:
        job = services_imports.import_job_duplicates_set(
            actor=request.user, job=job, duplicates=_posted_duplicates(request.POST)
        )
    except ValidationError as error:
        job.refresh_from_db()
        messages = (
            [m for ms in error.message_dict.values() for m in ms]
            if hasattr(error, "error_dict")
            else error.messages
        )
        # htmx swaps a refused form's answer only with 422 (see base.html's htmx-config).
        status = 422 if is_partial(request) else 400
        return _vary(
            _detail(request, spec, job, status=status, duplicates_error=" ".join(messages))
        )
    if is_partial(request):
        # The whole job region again: the counts, the choices and the findings follow.
        return _vary(_detail(request, spec, job, duplicates_saved=True))
    return redirect(_url(spec, "detail", job.pk))


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def import_progress(request: HttpRequest, entity: str, pk: Any) -> HttpResponse:
    """The progress bar alone, for htmx polling; when the job stops, the whole page reloads."""
    spec = _spec(request, entity)
    job = _job(request, spec, pk)
    response = render(
        request,
        "core/imports/partials/_progress.html",
        {"job": job, "progress_url": _url(spec, "progress", job.pk)},
    )
    if job.state not in RUNNING or job.is_stalled:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def import_report(request: HttpRequest, entity: str, pk: Any) -> FileResponse:
    """The whole report: every row with a problem as uploaded, plus its messages."""
    spec = _spec(request, entity)
    job = _job(request, spec, pk)
    if not job.report_file:
        raise Http404
    name = _("%(file)s-report.xlsx") % {"file": job.file_name.rsplit(".", 1)[0]}
    return FileResponse(
        job.report_file.open("rb"), as_attachment=True, filename=name, content_type=XLSX_TYPE
    )


@login_required
@require_GET
def import_template(request: HttpRequest, entity: str, fmt: str) -> HttpResponse:
    """An empty file with every importable column, headed in the user's language."""
    spec = _spec(request, entity)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    headers = [str(column.label) for column in spec.all_columns()]
    name = f"{spec.entity}-import-template.{fmt}"
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(spec.label))
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
    response["Content-Disposition"] = content_disposition(name)
    return response


def import_urlpatterns(entity: str, prefix: str) -> list[URLPattern]:
    """The import pages of ``entity`` under ``prefix`` (e.g. ``"contacts/import/"``)."""
    # The value step's views build on this module's helpers.
    from guanxi.core.views.import_values import import_profile_save, import_profiles, import_values

    kwargs = {"entity": entity}
    name = f"{entity}_import"
    return [
        path(prefix, import_upload, kwargs, name=name),
        path(f"{prefix}profiles/", import_profiles, kwargs, name=f"{name}_profiles"),
        path(f"{prefix}<uuid:pk>/values/", import_values, kwargs, name=f"{name}_values"),
        path(f"{prefix}<uuid:pk>/profile/", import_profile_save, kwargs, name=f"{name}_profile"),
        path(f"{prefix}template.<str:fmt>", import_template, kwargs, name=f"{name}_template"),
        path(f"{prefix}<uuid:pk>/", import_detail, kwargs, name=f"{name}_detail"),
        path(f"{prefix}<uuid:pk>/check/", import_check, kwargs, name=f"{name}_check"),
        path(f"{prefix}<uuid:pk>/commit/", import_commit, kwargs, name=f"{name}_commit"),
        path(
            f"{prefix}<uuid:pk>/duplicates/",
            import_duplicates,
            kwargs,
            name=f"{name}_duplicates",
        ),
        path(f"{prefix}<uuid:pk>/progress/", import_progress, kwargs, name=f"{name}_progress"),
        path(f"{prefix}<uuid:pk>/report.xlsx", import_report, kwargs, name=f"{name}_report"),
    ]
