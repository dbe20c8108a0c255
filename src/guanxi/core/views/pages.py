"""The core pages: home dashboard, dictionaries 数据字典 and the recycle bin 回收站."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.core.decorators import requires as _requires
from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import (
    DictionaryEntryCreateForm,
    DictionaryEntryEditForm,
    apply_validation_error,
)
from guanxi.core.home import home_audience, home_blocks, role_labels
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.navigation import navigation_for
from guanxi.core.recycle_bin import purge_options, recycle_bin_purge, recycle_bin_restore
from guanxi.core.rules import CHANGE_DICTIONARY_ENTRY, MANAGE_RECYCLE_BIN
from guanxi.core.selectors import pages as selectors
from guanxi.core.services.records import (
    DICTIONARY_EDITABLE_FIELDS,
    dictionary_entry_create,
    dictionary_entry_deactivate,
    dictionary_entry_update,
)
from guanxi.core.views.generic import ObjectFormView, ScopedPageView

RECYCLE_BIN_PAGE_SIZE = 25


def _greeting() -> str:
    hour = timezone.localtime().hour
    if hour < 12:
        return _("Good morning")
    if hour < 18:
        return _("Good afternoon")
    return _("Good evening")


class HomeView(ScopedPageView):
    """The home dashboard: who the user is, what they see, the apps' figures and shortcuts."""

    active_nav = "home"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        shortcuts = [
            {"item": item, "hint": item.hint}
            for item in navigation_for(user)
            if item.key != "home" and item.shortcut
        ]
        context = self.get_context(
            greeting=_greeting(),
            roles=role_labels(user),
            team=getattr(user, "team", None),
            scope=selectors.scope_description(actor=user),
            home_blocks=home_blocks(actor=user),
            audience=home_audience(user),
            shortcuts=shortcuts,
        )
        return render(request, "core/home.html", context)


# --- dictionaries ---------------------------------------------------------------------------

dictionary_admin = _requires(CHANGE_DICTIONARY_ENTRY)


def _entry_or_404(pk) -> DictionaryEntry:
    try:
        return selectors.dictionary_entry_get(pk=pk)
    except DictionaryEntry.DoesNotExist as missing:
        raise Http404 from missing


def _dictionary_list_url(kind: str) -> str:
    return f"{reverse('core:dictionary_list')}#dictionary-{kind}"


class DictionaryPage(ScopedPageView):
    permission = CHANGE_DICTIONARY_ENTRY
    active_nav = "dictionaries"


class DictionaryListView(DictionaryPage):
    def get(self, request: HttpRequest) -> HttpResponse:
        context = self.get_context(groups=selectors.dictionary_groups())
        return render(request, "core/dictionary_list.html", context)


class DictionaryCreateView(ObjectFormView, DictionaryPage):
    model = DictionaryEntry
    form_class = DictionaryEntryCreateForm
    context_object_name = "entry"
    template_name = "core/dictionary_form.html"

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        if data is not None:
            return DictionaryEntryCreateForm(data)
        kind = request.GET.get("kind")
        return DictionaryEntryCreateForm(
            initial={"kind": kind} if kind in DictionaryKind.values else None
        )

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        return dictionary_entry_create(actor=request.user, **form.cleaned_data)

    def success_message(self, record: Model) -> str:
        assert isinstance(record, DictionaryEntry)
        return _("“%(label)s” was added.") % {"label": record.label}

    def success_url(self, request: HttpRequest, record: Model) -> str:
        assert isinstance(record, DictionaryEntry)
        return _dictionary_list_url(record.kind)


# Editing and deactivating stay functions: a stale version is answered in ConflictError's own
# words (on the form, or as the conflict middleware's page), which the generic views replace.
@dictionary_admin
@require_http_methods(["GET", "POST"])
def dictionary_edit(request, pk):
    entry = _entry_or_404(pk)
    status = 200
    if request.method == "POST":
        form = DictionaryEntryEditForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in DICTIONARY_EDITABLE_FIELDS}
            try:
                dictionary_entry_update(
                    actor=request.user,
                    entry=entry,
                    expected_version=form.cleaned_data["version"],
                    **values,
                )
            except ConflictError as conflict:
                form.add_error(None, conflict.message)
                status = 409
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("“%(label)s” was saved.") % {"label": entry.label})
                return redirect(_dictionary_list_url(entry.kind))
    else:
        initial = {name: getattr(entry, name) for name in DICTIONARY_EDITABLE_FIELDS}
        form = DictionaryEntryEditForm(initial={**initial, "version": entry.version})
    return render(
        request,
        "core/dictionary_form.html",
        {
            "active_nav": "dictionaries",
            "form": form,
            "entry": entry,
            "kind_label": entry.get_kind_display(),
        },
        status=status,
    )


@dictionary_admin
@require_POST
def dictionary_deactivate(request, pk):
    entry = _entry_or_404(pk)
    version = request.POST.get("version", "")
    # A missing or garbled version can never match, so it is answered as a conflict.
    dictionary_entry_deactivate(
        actor=request.user, entry=entry, expected_version=int(version) if version.isdigit() else 0
    )
    messages.success(request, _("“%(label)s” was deactivated.") % {"label": entry.label})
    return redirect(_dictionary_list_url(entry.kind))


# --- recycle bin ----------------------------------------------------------------------------

recycle_bin_admin = _requires(MANAGE_RECYCLE_BIN)


def _deleted_or_404(request, model_label: str, pk: int):
    try:
        return selectors.deleted_record_get(actor=request.user, label=model_label, pk=pk)
    except LookupError as missing:
        raise Http404 from missing


class RecycleBinView(ScopedPageView):
    """Every deleted record the administrator sees, newest first, optionally of one type."""

    permission = MANAGE_RECYCLE_BIN
    active_nav = "recycle_bin"

    def get(self, request: HttpRequest) -> HttpResponse:
        types = selectors.recycle_bin_types()
        chosen = request.GET.get("type", "")
        if chosen not in {label for label, _name in types}:
            chosen = ""
        rows = selectors.deleted_record_rows(actor=request.user, label=chosen or None)
        page = Paginator(rows, RECYCLE_BIN_PAGE_SIZE).get_page(request.GET.get("page"))
        context = self.get_context(
            page=page,
            records=selectors.deleted_records_resolve(page.object_list),
            types=types,
            chosen=chosen,
        )
        return render(request, "core/recycle_bin.html", context)


# Restoring and purging stay functions: the record is named by its type and id, and the
# outcome is reported in the bin's own words.


@recycle_bin_admin
@require_POST
def recycle_restore(request, model_label, pk):
    record = _deleted_or_404(request, model_label, pk)
    name = str(record)
    try:
        recycle_bin_restore(actor=request.user, instance=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” was restored.") % {"name": name})
    return redirect("core:recycle_bin")


@recycle_bin_admin
@require_http_methods(["GET", "POST"])
def recycle_purge(request, model_label, pk):
    record = _deleted_or_404(request, model_label, pk)
    options = purge_options(request.user, record)
    chosen = request.POST.getlist("options") if request.method == "POST" else []
    reason = request.POST.get("reason", "")
    if request.method == "POST":
        name = str(record)
        try:
            recycle_bin_purge(actor=request.user, instance=record, options=chosen, reason=reason)
        except ValidationError as error:
            if not chosen:
                messages.error(request, " ".join(error.messages))
                return redirect("core:recycle_bin")
            # An option refused (e.g. no reason): the choices stay on the page with the error.
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(name)s” was deleted for good.") % {"name": name})
            return redirect("core:recycle_bin")
    return render(
        request,
        "core/recycle_purge_confirm.html",
        {
            "active_nav": "recycle_bin",
            "record": record,
            "followers": selectors.deleted_record_followers(record=record),
            "type_name": record._meta.verbose_name,
            "model_label": model_label,
            "options": options,
            "chosen": chosen,
            "reason": reason,
        },
    )
