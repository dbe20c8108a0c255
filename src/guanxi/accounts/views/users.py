"""User administration: list, create, detail, edit, deactivate/reactivate, set a password."""

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.accounts.forms.users import UserCreateForm, UserFilterForm, UserForm
from guanxi.accounts.models import User
from guanxi.accounts.roles import role_label
from guanxi.accounts.selectors import users as selectors
from guanxi.accounts.services import users as services
from guanxi.accounts.views.common import account_admin_required, paginate
from guanxi.core.forms.dictionaries import submitted

ACTIVE_NAV = "users"


def _get_user(request, pk) -> User:
    try:
        return selectors.user_get(actor=request.user, pk=pk)
    except User.DoesNotExist as missing:
        raise Http404 from missing


def _with_role_labels(users) -> None:
    for user in users:
        user.role_labels = [role_label(group.name) for group in user.groups.all()]


@account_admin_required
def user_list(request):
    filters = UserFilterForm(request.GET or None)
    users = selectors.user_search(actor=request.user, **filters.search_arguments())
    page = paginate(request, users)
    _with_role_labels(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {
            "active_nav": ACTIVE_NAV,
            "filters": filters,
            "page": page,
            "querystring": query.urlencode(),
        },
    )


@account_admin_required
def user_create(request):
    form = UserCreateForm(request.POST or None)
    user = submitted(
        request, form, lambda: services.user_create(actor=request.user, **form.service_arguments())
    )
    if user is not None:
        messages.success(request, _("User %(name)s was created.") % {"name": user})
        return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "active_nav": ACTIVE_NAV,
            "form": form,
            "title": _("New user"),
        },
    )


@account_admin_required
def user_detail(request, pk):
    user = _get_user(request, pk)
    _with_role_labels([user])
    return render(
        request,
        "accounts/user_detail.html",
        {
            "active_nav": ACTIVE_NAV,
            "object": user,
            "profile_user": user,
            "login_events": selectors.login_history(user=user, limit=20),
        },
    )


@account_admin_required
def user_edit(request, pk):
    user = _get_user(request, pk)
    form = UserForm(request.POST or None, instance=user)
    # A stale version raises ConflictError, which the conflict middleware shows (409).
    saved = submitted(
        request,
        form,
        lambda: services.user_update(actor=request.user, user=user, **form.service_arguments()),
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
def user_deactivate(request, pk):
    user = _get_user(request, pk)
    try:
        services.user_deactivate(actor=request.user, user=user)
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
def user_reactivate(request, pk):
    user = _get_user(request, pk)
    services.user_reactivate(actor=request.user, user=user)
    messages.success(request, _("User %(name)s can sign in again.") % {"name": user})
    return redirect("accounts:user_detail", pk=user.pk)


@account_admin_required
def user_set_password(request, pk):
    user = _get_user(request, pk)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            form.add_error("new_password1", error.messages)
        else:
            messages.success(request, _("A new password was set for %(name)s.") % {"name": user})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_set_password.html",
        {
            "active_nav": ACTIVE_NAV,
            "form": form,
            "object": user,
        },
    )
