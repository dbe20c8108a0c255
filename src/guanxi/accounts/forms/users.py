"""Forms of the accounts pages. They only collect and check input; services do the writing."""

from typing import cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Team, User
from guanxi.accounts.networks import normalise_networks
from guanxi.accounts.roles import role_label
from guanxi.accounts.selectors import users as selectors
from guanxi.accounts.services import security as security_services


def _field_label(model, name: str) -> str:
    return model._meta.get_field(name).verbose_name


class TeamChoiceField(forms.ModelChoiceField):
    """Teams in tree order, indented so the department → team structure shows in the list."""

    def label_from_instance(self, obj: Team) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return role_label(obj.name)


class RoleMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return role_label(obj.name)


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else obj.username


class LoginForm(AuthenticationForm):
    """Django's sign-in form; the inputs keep the standard names ``username`` and ``password``."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if self.request is not None:
            try:
                security_services.signin_check_address(user=user, request=self.request)
            except PermissionDenied as refused:
                raise ValidationError(str(refused), code="refused_address") from refused


class CodeForm(forms.Form):
    """A two-factor code: the authenticator app's six digits or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _networks_field(help_text) -> forms.CharField:
    return forms.CharField(
        label=_("Sign-in address ranges"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "10.0.0.0/8\n192.168.1.0/24"}),
        help_text=help_text,
    )


def clean_networks_text(value: str) -> str:
    try:
        return normalise_networks(value)
    except ValidationError as error:
        raise ValidationError(error.messages) from error


class UserFilterForm(forms.Form):
    """The search and filters above the user list (all optional, read from the query string)."""

    ACTIVE_CHOICES = [
        ("", _("All")),
        ("yes", pgettext_lazy("flag", "Active")),
        ("no", _("Deactivated")),
    ]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Username or name")}),
    )
    team = TeamChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    role = RoleChoiceField(
        label=_("Role"), queryset=Group.objects.none(), required=False, empty_label=_("All roles")
    )
    active = forms.ChoiceField(label=_("State"), choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = selectors.team_list()
        self.fields["role"].queryset = selectors.role_choices()
        for field in self.fields.values():
            # The filters sit in one toolbar row without visible labels.
            field.widget.attrs["aria-label"] = field.label

    def search_arguments(self) -> dict:
        """Keyword arguments for ``selectors.user_search`` (invalid filters are ignored)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        active = {"yes": True, "no": False}.get(data.get("active") or "")
        return {
            "query": data.get("q") or "",
            "team": data.get("team"),
            "role": data.get("role"),
            "is_active": active,
        }


class UserForm(forms.Form):
    """A user's details, roles, team and (for sales assistants) the account managers supported."""

    username = forms.CharField(label=_field_label(User, "username"), max_length=150)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.EmailField(label=_field_label(User, "email"), required=False)
    phone = forms.CharField(label=_field_label(User, "phone"), max_length=30, required=False)
    team = TeamChoiceField(
        label=_field_label(User, "team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("(no team)"),
    )
    language = forms.ChoiceField(
        label=_field_label(User, "language"), choices=User.Language.choices
    )
    roles = RoleMultipleChoiceField(
        label=_("Roles"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    supports = UserChoiceField(
        label=_("Supports (account managers)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only for sales assistants: they enter data on behalf of these account managers."
        ),
    )
    allowed_networks = _networks_field(User._meta.get_field("allowed_networks").help_text)
    # The version the editor read: saving over a newer one is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, instance: User | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "username": instance.username,
                    "last_name": instance.last_name,
                    "first_name": instance.first_name,
                    "email": instance.email,
                    "phone": instance.phone,
                    # The plugin leaves the accounts models' relations untyped, so misses team_id.
                    "team": instance.team_id,  # type: ignore[attr-defined]
                    "language": instance.language,
                    "roles": list(instance.groups.all()),
                    "supports": list(instance.supports.all()),
                    "allowed_networks": instance.allowed_networks,
                    "version": instance.version,
                },
            )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = selectors.team_list()
        cast(forms.ModelChoiceField, self.fields["roles"]).queryset = selectors.role_choices()
        managers = selectors.account_managers()
        if instance is not None:
            # Keep showing a supported manager who has since changed role or left.
            managers = (managers | instance.supports.all()).exclude(pk=instance.pk).distinct()
        cast(forms.ModelChoiceField, self.fields["supports"]).queryset = managers.order_by(
            "username"
        )

    def clean_username(self) -> str:
        # The service checks this too; checking here shows it together with the other errors.
        username = self.cleaned_data["username"]
        exclude = self.instance.pk if self.instance is not None else None
        if selectors.username_taken(username=username, exclude_pk=exclude):
            raise ValidationError(User._meta.get_field("username").error_messages["unique"])
        return username

    def clean_allowed_networks(self) -> str:
        return clean_networks_text(self.cleaned_data["allowed_networks"])

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "username",
                "first_name",
                "last_name",
                "email",
                "phone",
                "team",
                "language",
                "allowed_networks",
            )
        } | {
            "roles": list(data["roles"]),
            "supports": list(data["supports"]),
            "expected_version": data.get("version"),
        }


class UserCreateForm(UserForm):
    """A new user: the details plus an initial password, checked by the password validators."""

    # A new user has nothing to be stale against; None removes the inherited form field.
    version = None  # type: ignore[assignment]

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password confirmation"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two password fields didn’t match."))
        elif password1:
            probe = User(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user=probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def service_arguments(self) -> dict:
        arguments = super().service_arguments()
        del arguments["expected_version"]
        return arguments | {"password": self.cleaned_data["password1"]}


class TeamForm(forms.Form):
    name = forms.CharField(label=_field_label(Team, "name"), max_length=100)
    parent = TeamChoiceField(
        label=_field_label(Team, "parent"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("(top level)"),
    )
    # The version the editor read: a concurrent edit makes the save fail instead of overwriting.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, instance: Team | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    # The plugin leaves the accounts models' relations untyped, so misses parent_id.
                    "parent": instance.parent_id,  # type: ignore[attr-defined]
                    "version": instance.version,
                },
            )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = selectors.team_list()
