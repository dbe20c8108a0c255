"""Generic scoped page views: the glue every record page needs, written once.

A page names its selector (the scoped read), its service (the write), its form and templates;
these views do the rest the same way everywhere:

- sign-in first, then the model permission (``permission``, 403 without it), then the object
  rule (``object_permission``, a django-rules permission checked against the record, 403);
- a record outside the reader's scope, or an id that is not one, is a 404 (``object_or_404``);
- a stale version (``ConflictError``) is a 409 with the conflict message on the form;
- a service's ``ValidationError`` lands on the form's fields (``apply_validation_error``);
- an htmx request gets the partial template, a plain request the full page (``Vary: HX-Request``);
- success adds a message and redirects (``HX-Redirect`` for htmx).

The API does the same in ``core.api.viewsets.ScopedViewSet``. Subclasses override the small
hooks (``get_form``, ``save``, ``get_context``...) instead of copying the flow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from guanxi.core import lists
from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import is_partial, redirect_after_form
from guanxi.core.lists import ListColumn
from guanxi.core.pagination import paginate_request
from guanxi.core.views.list_views import list_state

# Ids beyond a 64-bit key are not records; they never reach the database.
MAX_ID = 2**63 - 1


def conflict_message(model: type[Model]) -> str:
    """The one message for an edit that lost the race against someone else's save."""
    return _(
        "Someone else changed this %(record)s after you opened it, so nothing was saved. "
        "Reload the page to see their changes, then make yours again."
    ) % {"record": model._meta.verbose_name}


def object_or_404(get: Callable[..., Model], *, actor: Any, pk: Any, **kwargs: Any) -> Model:
    """``get(actor=..., pk=...)`` from a scoped selector; out of scope or malformed → 404."""
    if isinstance(pk, str) and not pk.isdigit():
        raise Http404
    if isinstance(pk, int) and not 0 < pk <= MAX_ID:
        raise Http404
    try:
        return get(actor=actor, pk=pk, **kwargs)
    except (ObjectDoesNotExist, ValueError) as missing:
        raise Http404 from missing


def posted_version(request: HttpRequest) -> int:
    """The ``version`` a confirm form posted (0 when missing: the service refuses it as stale)."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else 0


def save_with_form(
    form: forms.Form,
    model: type[Model],
    save: Callable[[], Any],
    *,
    conflict: str | None = None,
) -> tuple[Any, int]:
    """Run ``save()`` (a service call) for a valid form.

    Returns ``(result, 200)`` on success and ``(None, status)`` when the form is shown again:
    200 with the service's field errors on the form, 409 with the conflict message
    (``conflict``, else the model's).
    """
    if not form.is_valid():
        return None, 200
    try:
        return save(), 200
    except ConflictError:
        form.add_error(None, conflict or conflict_message(model))
        return None, 409
    except ValidationError as error:
        apply_validation_error(form, error)
        return None, 200


def render_page(
    request: HttpRequest,
    *,
    template: str,
    partial_template: str | None,
    context: Mapping[str, Any],
    status: int = 200,
) -> HttpResponse:
    """The partial template for an htmx swap, the full page otherwise (varying on HX-Request)."""
    chosen = partial_template if partial_template and is_partial(request) else template
    response = render(request, chosen, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


class ScopedPageView(View):
    """Sign-in, the model permission and the page's navigation entry."""

    permission: ClassVar[str | None] = None
    active_nav: ClassVar[str] = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context(self, **context: Any) -> dict[str, Any]:
        return {"active_nav": self.active_nav, **context}


class ObjectListView(ScopedPageView):
    """A scoped list with an optional filter form and keyset pages.

    With a ``list_key`` the list also gets what every list shares (``list_context``): the
    count of matching rows, the total of ``total_field`` over them, the reader's saved views
    and the column chooser over ``list_columns``.
    """

    http_method_names = ["get", "head", "options"]
    template_name: ClassVar[str]
    partial_template_name: ClassVar[str | None] = None
    filter_form: ClassVar[type[forms.Form] | None] = None
    ordering: ClassVar[Sequence[str]] = ("-pk",)
    list_key: ClassVar[str] = ""
    list_columns: ClassVar[Sequence[ListColumn]] = ()
    total_field: ClassVar[str | None] = None
    total_label: ClassVar[str | Promise] = gettext_lazy("Total")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("list_key"):
            lists.register(cls.list_key, cls.list_columns)

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet:
        raise NotImplementedError

    def get_filter_form(self, request: HttpRequest) -> forms.Form | None:
        return self.filter_form(request.GET or None) if self.filter_form else None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_filter_form(request)
        rows = self.rows(request, form)
        page = paginate_request(request, rows, ordering=self.ordering)
        context = self.get_context(form=form, page=page, **self.list_context(request, rows))
        context.update(self.extra_context(request, page))
        return render_page(
            request,
            template=self.template_name,
            partial_template=self.partial_template_name,
            context=context,
        )

    def list_context(self, request: HttpRequest, rows: QuerySet) -> dict[str, Any]:
        """``listing``: the count, total, columns and saved views (lists with a ``list_key``)."""
        if not self.list_key:
            return {}
        return {
            "listing": list_state(
                request,
                rows,
                list_key=self.list_key,
                total_field=self.total_field,
                total_label=self.total_label,
                with_views=not is_partial(request),
            )
        }

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        return {}


class ObjectView(ScopedPageView):
    """A page about one record read through a scoped selector (404 outside the scope)."""

    model: ClassVar[type[Model]]
    object_permission: ClassVar[str | None] = None
    context_object_name: ClassVar[str] = "object"
    template_name: ClassVar[str] = ""

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        raise NotImplementedError

    def conflict_text(self) -> str:
        """The message for a stale version: the model's, unless a page words it otherwise."""
        return conflict_message(self.model)

    def get_checked_object(self, request: HttpRequest, pk: Any) -> Model:
        record = self.get_object(request, pk)
        if self.object_permission and not request.user.has_perm(self.object_permission, record):
            raise PermissionDenied
        return record

    def get(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_checked_object(request, pk)
        context = self.get_context(**{self.context_object_name: record})
        context.update(self.extra_context(request, record))
        return render(request, self.template_name, context)

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        return {}


class ObjectFormView(ObjectView):
    """Create (no ``pk`` in the URL) or edit a record through a form and a service call."""

    http_method_names = ["get", "post", "head", "options"]
    form_class: ClassVar[type[forms.Form]]
    form_template_name: ClassVar[str | None] = None
    success_text: ClassVar[str] = ""

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        return self.form_class(data)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        raise NotImplementedError

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return record.get_absolute_url()  # type: ignore[attr-defined]

    def success_message(self, record: Model) -> str:
        return self.success_text % {"record": record} if self.success_text else ""

    def render_form(
        self, request: HttpRequest, form: forms.Form, record: Model | None, status: int = 200
    ) -> HttpResponse:
        context = self.get_context(form=form, **{self.context_object_name: record})
        context.update(self.form_context(request, form, record))
        return render_page(
            request,
            template=self.template_name,
            partial_template=self.form_template_name,
            context=context,
            status=status,
        )

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        return {}

    def record_for(self, request: HttpRequest, pk: Any) -> Model | None:
        return None if pk is None else self.get_checked_object(request, pk)

    def get(self, request: HttpRequest, pk: Any = None, **kwargs: Any) -> HttpResponse:
        record = self.record_for(request, pk)
        return self.render_form(request, self.get_form(request, record), record)

    def post(self, request: HttpRequest, pk: Any = None, **kwargs: Any) -> HttpResponse:
        record = self.record_for(request, pk)
        form = self.get_form(request, record, request.POST)
        saved, status = save_with_form(
            form,
            self.model,
            lambda: self.save(request, form, record),
            conflict=self.conflict_text(),
        )
        if saved is None:
            return self.render_form(request, form, record, status=status)
        message = self.success_message(saved)
        if message:
            messages.success(request, message)
        return redirect_after_form(request, self.success_url(request, saved))


class ObjectDeleteView(ObjectView):
    """Confirm, then delete (to the recycle bin) through the service with the read version."""

    http_method_names = ["get", "post", "head", "options"]
    success_text: ClassVar[str] = ""

    def delete(self, request: HttpRequest, record: Model, expected_version: int) -> None:
        raise NotImplementedError

    def success_url(self, request: HttpRequest, record: Model) -> str:
        raise NotImplementedError

    def conflict_url(self, request: HttpRequest, record: Model) -> str:
        return self.success_url(request, record)

    def success_message(self, record: Model) -> str:
        return self.success_text % {"record": record} if self.success_text else ""

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_checked_object(request, pk)
        try:
            self.delete(request, record, posted_version(request))
        except ConflictError:
            messages.error(request, self.conflict_text())
            return redirect(self.conflict_url(request, record))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.conflict_url(request, record))
        message = self.success_message(record)
        if message:
            messages.success(request, message)
        return redirect_after_form(request, self.success_url(request, record))


class ObjectActionView(ObjectView):
    """A POST that runs one service action on a record (assign, advance, cancel...).

    Errors come back as messages on the record's page: the conflict message for a stale
    version, the service's own words for a refused action.
    """

    http_method_names = ["post", "options"]
    form_class: ClassVar[type[forms.Form] | None] = None
    success_text: ClassVar[str] = ""

    def act(self, request: HttpRequest, record: Model, form: forms.Form | None) -> Any:
        raise NotImplementedError

    def done_url(self, request: HttpRequest, record: Model) -> str:
        return record.get_absolute_url()  # type: ignore[attr-defined]

    def success_message(self, record: Model) -> str:
        return self.success_text % {"record": record} if self.success_text else ""

    def post(self, request: HttpRequest, pk: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_checked_object(request, pk)
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for message in errors:  # an ErrorList yields its messages as text
                    messages.error(request, str(message))
            return redirect_after_form(request, self.done_url(request, record))
        try:
            self.act(request, record, form)
        except ConflictError:
            messages.error(request, self.conflict_text())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            message = self.success_message(record)
            if message:
                messages.success(request, message)
        return redirect_after_form(request, self.done_url(request, record))
