"""A customer's contacts as vCards 电子名片: download them all, or import a .vcf file.

The import is two steps on one page: upload → preview (a dry run listing each card and what
it becomes) → import. The previewed file travels back in a hidden field, so the commit checks
exactly the bytes the user saw; the service checks them again either way. A file download
and a two-step upload, so function views rather than the generic page views.
"""

import base64
import binascii

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.core.decorators import requires
from guanxi.core.export import content_disposition
from guanxi.core.models import AccessLogEntry
from guanxi.core.services import access_log
from guanxi.customers import masking, rules
from guanxi.customers.models import Contact
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services.vcard import contacts_import_vcards
from guanxi.customers.vcard import (
    DEFAULT_VCARD_VERSION,
    MAX_VCARD_BYTES,
    VCARD_CONTENT_TYPE,
    VCARD_VERSIONS,
    contacts_to_vcard,
)
from guanxi.customers.views.base import scoped_customer, signed_in
from guanxi.customers.views.customers import ACTIVE_NAV


def vcard_version(raw: str | None) -> str | None:
    """The requested vCard version ("3.0" by default; "4" means "4.0"); None if unsupported."""
    if not raw:
        return DEFAULT_VCARD_VERSION
    raw = raw.strip()
    version = raw if "." in raw else f"{raw}.0"
    return version if version in VCARD_VERSIONS else None


def contacts_vcard_response(*, actor, customer, version: str, request=None) -> HttpResponse:
    visible = selectors.contact_list(actor=actor, customer=customer).order_by(
        "-is_primary", "name", "id"
    )
    # Masked numbers and addresses go out masked, hidden ones not at all (field protection).
    contacts = masking.protected_copies(actor, visible)
    access_log.access_log_record(
        actor=actor,
        kind=AccessLogEntry.Kind.EXPORTED,
        target=customer,
        details={
            "model": Contact._meta.label_lower,
            "format": "vcard",
            "row_count": len(contacts),
            "filters": {"customer": customer.pk},
        },
        request=request,
    )
    text = contacts_to_vcard(contacts, organisation=customer.name, version=version)
    response = HttpResponse(text.encode("utf-8"), content_type=VCARD_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"{customer.name}.vcf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(rules.VIEW_CONTACT, rules.EXPORT_CUSTOMERS)
@require_GET
def contacts_vcard_export(request, pk):
    customer = scoped_customer(request, pk)
    version = vcard_version(request.GET.get("version"))
    if version is None:
        return HttpResponseBadRequest(
            _("Choose vCard version 3.0 or 4.0."), content_type="text/plain; charset=utf-8"
        )
    return contacts_vcard_response(
        actor=signed_in(request), customer=customer, version=version, request=request
    )


class VCardImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("vCard file (.vcf)"), required=False)
    # The previewed file, base64, sent back with "Import".
    content = forms.CharField(widget=forms.HiddenInput, required=False)

    def data_bytes(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            # The size decides before reading; the content type the browser claims is ignored.
            if upload.size > MAX_VCARD_BYTES:
                raise ValidationError(
                    {
                        "file": _("The file is larger than %(size)d KB.")
                        % {"size": MAX_VCARD_BYTES // 1024}
                    }
                )
            return upload.read()
        content = self.cleaned_data.get("content") or ""
        if not content:
            raise ValidationError({"file": _("Choose a vCard file (.vcf) to import.")})
        try:
            return base64.b64decode(content.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as error:
            raise ValidationError({"file": _("Upload the file again.")}) from error


@requires(rules.ADD_CONTACT)
@require_http_methods(["GET", "POST"])
def contacts_vcard_import(request, pk):
    customer = scoped_customer(request, pk)
    is_post = request.method == "POST"
    form = VCardImportForm(request.POST, request.FILES) if is_post else VCardImportForm()
    report, content = None, ""
    if is_post and form.is_valid():
        commit = request.POST.get("action") == "import"
        try:
            data = form.data_bytes()
            report = contacts_import_vcards(
                actor=signed_in(request), customer=customer, data=data, dry_run=not commit
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            if report.committed:
                messages.success(
                    request,
                    ngettext(
                        "%(created)d contact imported; %(skipped)d already present were skipped.",
                        "%(created)d contacts imported; %(skipped)d already present were skipped.",
                        report.created,
                    )
                    % {"created": report.created, "skipped": report.duplicates},
                )
                return redirect(customer.get_absolute_url())
            content = base64.b64encode(data).decode("ascii")
            if commit:
                messages.error(
                    request, _("Nothing was imported: correct the cards with errors first.")
                )
    return render(
        request,
        "customers/contacts_vcard_import.html",
        {
            "active_nav": ACTIVE_NAV,
            "customer": customer,
            "form": form,
            "report": report,
            "content": content,
            "max_kb": MAX_VCARD_BYTES // 1024,
        },
    )
