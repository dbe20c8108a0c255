"""User administration: list, create, detail, edit, deactivate/reactivate, set a password."""

from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.accounts.forms.users import UserCreateForm, UserFilterForm, UserForm
from guanxi.accounts.models import User
from guanxi.accounts.roles import role_label
from guanxi.accounts.rules import MANAGE_ACCOUNTS
from guanxi.accounts.selectors import tokens as token_selectors
from guanxi.accounts.selectors import users as selectors
from guanxi.accounts.services import users as services
from guanxi.accounts.views.common import AccountAdminPage, paginate, signed_in
from guanxi.core.decorators import requires
from guanxi.core.forms.dictionaries import submitted
from guanxi.core.views.generic import ObjectFormView, ObjectView, object_or_404

ACTIVE_NAV = "users"


def _get_user(request: HttpRequest, pk: Any) -> User:
    try:
        return selectors.user_get(actor=signed_in(request), pk=pk)
    except User.DoesNotExist as missing:
        raise Http404 from missing


def _with_role_labels(users: Iterable[Any]) -> None:
    for user in users:
        user.role_labels = [role_label(group.name) for group in user.groups.all()]


class UserListView(AccountAdminPage):
    active_nav = ACTIVE_NAV

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = UserFilterForm(request.GET or None)
        users = selectors.user_search(actor=signed_in(request), **filters.search_arguments())
        page = paginate(request, users)
        _with_role_labels(page.object_list)
        query = request.GET.copy()
        query.pop("page", None)
        context = self.get_context(filters=filters, page=page, querystring=query.urlencode())
        return render(request, "accounts/user_list.html", context)


class UserPage(ObjectView, AccountAdminPage):
    """A page about one user the administrator may see (404 otherwise)."""

    model = User
    active_nav = ACTIVE_NAV

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(selectors.user_get, actor=signed_in(request), pk=pk)


class UserDetailView(UserPage):
    template_name = "accounts/user_detail.html"

    def extra_context(self, request: HttpRequest, record: Model) -> dict[str, Any]:
        _with_role_labels([record])
        assert isinstance(record, User)
        history = selectors.login_history(user=record, limit=20)
        tokens = token_selectors.token_list(actor=signed_in(request), user_id=record.pk)[:50]
        return {"profile_user": record, "login_events": history, "tokens": tokens}


class UserCreateView(ObjectFormView, AccountAdminPage):
    model = User
    active_nav = ACTIVE_NAV
    template_name = "accounts/user_form.html"
    form_class: ClassVar[type[forms.Form]] = UserCreateForm

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        # An empty POST is an unbound form, shown again without errors.
        return UserCreateForm(data or None)

    def form_context(
        self, request: HttpRequest, form: forms.Form, record: Model | None
    ) -> dict[str, Any]:
        return {"title": _("New user")}

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        arguments = form.service_arguments()  # type: ignore[attr-defined]
        return services.user_create(actor=signed_in(request), **arguments)

    def success_message(self, record: Model) -> str:
        return _("User %(name)s was created.") % {"name": record}

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("accounts:user_detail", kwargs={"pk": record.pk})


class UserSetPasswordView(UserPage, ObjectFormView):
    template_name = "accounts/user_set_password.html"

    def get_form(self, request: HttpRequest, record: Model | None, data: Any = None) -> forms.Form:
        assert isinstance(record, User)
        return SetPasswordForm(record, data or None)

    def save(self, request: HttpRequest, form: forms.Form, record: Model | None) -> Model:
        assert isinstance(record, User)
        try:
            return services.user_set_password(
                actor=signed_in(request),
                user=record,
                password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            # The validators' words belong under the new password.
            raise ValidationError({"new_password1": error.messages}) from error

    def success_message(self, record: Model) -> str:
        return _("A new password was set for %(name)s.") % {"name": record}

    def success_url(self, request: HttpRequest, record: Model) -> str:
        return reverse("accounts:user_detail", kwargs={"pk": record.pk})


# Editing, deactivating and reactivating stay functions: a stale edit raises ConflictError for
# the conflict middleware's page (the generic form view would word it on the form instead),
# and the actions answer 405 to a GET before asking anyone to sign in.
account_admin_required = requires(MANAGE_ACCOUNTS)


@account_admin_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    form = UserForm(request.POST or None, instance=user)
    # A stale version raises ConflictError, which the conflict middleware shows (409).
    saved = submitted(
        request,
        form,
        lambda: services.user_update(
            actor=signed_in(request), user=user, **form.service_arguments()
        ),
    )
    if saved is not None:
        messages.success(request, _("User %(name)s was saved.") % {"name": saved})
        return redirect("accounts:user_detail", pk=saved.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "active_nav": ACTIVE_NAV,
            "form": form,
            "object": user,
            "title": _("Edit user %(name)s") % {"name": user},
        },
    )


@require_POST
@account_admin_required
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    try:
        services.user_deactivate(actor=signed_in(request), user=user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("User %(name)s was deactivated and signed out everywhere.") % {"name": user}
        )
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
@account_admin_required
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    services.user_reactivate(actor=signed_in(request), user=user)
    messages.success(request, _("User %(name)s can sign in again.") % {"name": user})
    return redirect("accounts:user_detail", pk=user.pk)
