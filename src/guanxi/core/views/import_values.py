"""Import pages after the column mapping: the value step, saving a profile, the profiles.

The value step lists each list column's distinct values (dictionary entries, users, choices)
with the rows holding them and a choice of target per value, matched ones preselected; it
saves the mapping and, on the primary button, checks the file. "Save as profile" keeps a job's
mappings for the next file; the profiles page lists the profiles and presets of the entity.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.forms.import_values import ImportProfileForm, ImportValuesForm
from guanxi.core.imports.distinct import MAX_DISTINCT
from guanxi.core.imports.presets import presets_for
from guanxi.core.models import ImportProfile
from guanxi.core.selectors import import_profiles as selectors_profiles
from guanxi.core.services import import_profiles as services_profiles
from guanxi.core.services import import_values as services_values
from guanxi.core.services import imports as services_imports
from guanxi.core.views.imports import _context, _job, _spec, _url


@login_required
@require_http_methods(["GET", "POST"])
def import_values(request: HttpRequest, entity: str, pk: Any) -> HttpResponse:
    spec = _spec(request, entity)
    job = _job(request, spec, pk)
    try:
        columns = services_values.import_job_values(actor=request.user, job=job)
    except ValidationError as error:  # the file can no longer be read
        messages.error(request, " ".join(error.messages))
        return redirect(_url(spec, "detail", job.pk))
    may_create = services_values.may_create_entries(request.user)
    data = request.POST if request.method == "POST" else None
    form = ImportValuesForm(data, columns=columns, may_create=may_create)
    if request.method == "POST" and form.is_valid():
        try:
            job = services_values.import_job_set_values(
                actor=request.user, job=job, value_mapping=form.value_mapping()
            )
            if "check" in request.POST:
                services_imports.import_job_validate(actor=request.user, job=job)
                return redirect(_url(spec, "detail", job.pk))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The value mapping was saved."))
            return redirect(_url(spec, "values", job.pk))
    context = _context(
        spec,
        job=job,
        form=form,
        columns=list(zip(columns, form.rows, strict=True)),
        cap=MAX_DISTINCT,
        may_create=may_create,
        job_urls={"detail": _url(spec, "detail", job.pk), "values": _url(spec, "values", job.pk)},
    )
    status = 400 if form.errors else 200
    return render(request, "core/imports/values.html", context, status=status)


@login_required
@require_POST
def import_profile_save(request: HttpRequest, entity: str, pk: Any) -> HttpResponse:
    """ "Save as profile": the job's column and value mappings under a name."""
    spec = _spec(request, entity)
    job = _job(request, spec, pk)
    form = ImportProfileForm(request.POST)
    if form.is_valid():
        try:
            profile = services_profiles.import_profile_save_from_job(
                actor=request.user,
                job=job,
                name=form.cleaned_data["name"],
                shared=form.cleaned_data["shared"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The profile “%(name)s” was saved; it applies to the next files.")
                % {"name": profile.name},
            )
            return redirect(_url(spec, "detail", job.pk))
    errors = [str(e) for field in form.errors.values() for e in field]
    messages.error(request, " ".join(errors))
    return redirect(_url(spec, "detail", job.pk))


@login_required
@require_http_methods(["GET", "POST"])
def import_profiles(request: HttpRequest, entity: str) -> HttpResponse:
    """The entity's profiles (own and shared) and presets; the owner deletes a profile."""
    spec = _spec(request, entity)
    if request.method == "POST":
        try:
            profile = selectors_profiles.import_profile_get(
                actor=request.user, pk=int(request.POST.get("delete", ""))
            )
        except (ValueError, ImportProfile.DoesNotExist) as missing:
            raise Http404 from missing
        try:
            services_profiles.import_profile_delete(actor=request.user, profile=profile)
        except PermissionDenied as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, _("The profile “%(name)s” was deleted.") % {"name": profile.name}
            )
        return redirect(_url(spec, "profiles"))
    profiles = selectors_profiles.import_profile_list(actor=request.user, entity=spec.entity)
    presets = []
    for preset in presets_for(spec.entity):
        part = preset.for_entity(spec.entity)
        presets.append((preset, len(part.columns) if part else 0))
    context = _context(
        spec,
        profiles=[(p, p.created_by_id == request.user.pk) for p in profiles],
        presets=presets,
    )
    return render(request, "core/imports/profiles.html", context)
