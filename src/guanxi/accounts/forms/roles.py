"""The role editor's form: a role's name, sign-in rules and rights, the rights shown by module
and record type in the reader's language (never codenames or internal models)."""

from dataclasses import dataclass, field
from typing import cast

from django import forms
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.forms.users import _networks_field, clean_networks_text
from guanxi.accounts.roles import ROLE_LABELS, role_label
from guanxi.accounts.selectors import security as security_selectors
from guanxi.accounts.selectors import users as selectors

# The four rights every record type has, in the columns of the editor.
ACTIONS = ("view", "add", "change", "delete")
ACTION_LABELS = {"view": _("View"), "add": _("Add"), "change": _("Change"), "delete": _("Delete")}


def _permission_label(permission: Permission) -> str:
    """The right in plain words: a custom right's own sentence, else "View · customer"."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    custom = dict(model._meta.permissions)
    if permission.codename in custom:
        return str(custom[permission.codename])
    action = permission.codename.split("_", 1)[0]
    if action in ACTION_LABELS:
        return f"{ACTION_LABELS[action]} · {model._meta.verbose_name}"
    return permission.name


@dataclass
class PermissionBox:
    """One checkbox; ``pk`` is None where the record type lacks that right."""

    pk: int | None
    label: str
    checked: bool = False


@dataclass
class PermissionRow:
    """A record type: its view/add/change/delete boxes and its other rights."""

    label: str
    actions: dict[str, PermissionBox] = field(default_factory=dict)
    others: list[PermissionBox] = field(default_factory=list)

    @property
    def boxes(self) -> list[PermissionBox]:
        return [self.actions.get(action) or PermissionBox(None, "") for action in ACTIONS]


@dataclass
class PermissionModule:
    label: str
    rows: list[PermissionRow]


class RoleForm(forms.Form):
    """A role's name and permissions; the permissions are shown grouped by module."""

    name = forms.CharField(label=_("Name"), max_length=150)
    permissions = forms.TypedMultipleChoiceField(
        label=_("Permissions"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mfa_required = forms.BooleanField(
        label=_("Require two-factor sign-in"),
        required=False,
        help_text=_("Members must give a code from an authenticator app when they sign in."),
    )
    allowed_networks = _networks_field(
        _(
            "One IP address or CIDR range per line. Members sign in only from these addresses, "
            "unless a user has ranges of their own. Empty: any address."
        )
    )

    def __init__(self, *args, instance: Group | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "permissions": [p.pk for p in instance.permissions.all()],
                    "mfa_required": security_selectors.role_mfa_required(instance),
                    "allowed_networks": security_selectors.role_networks_text(instance),
                },
            )
        super().__init__(*args, **kwargs)
        self._permissions = list(selectors.role_permission_choices())
        cast(forms.ChoiceField, self.fields["permissions"]).choices = [
            (p.pk, _permission_label(p)) for p in self._permissions
        ]
        # A built-in role shows its name in the reader's language (its stored name is a key).
        self.builtin_label = ""
        if instance is not None and instance.name in ROLE_LABELS:
            # Built-in roles are found by name; renaming one would make Guanxi re-create it.
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("Built-in roles keep their name.")
            self.builtin_label = role_label(instance.name)

    def clean_allowed_networks(self) -> str:
        return clean_networks_text(self.cleaned_data["allowed_networks"])

    def permissions_to_save(self) -> list[int]:
        """The ticked permissions plus those the role holds that this form does not offer.

        The form shows Guanxi's own permissions only; saving must not strip a role of the
        others (Django admin, sessions, the audit history's bookkeeping ...) that it holds.
        """
        offered = {permission.pk for permission in self._permissions}
        kept = []
        if self.instance is not None:
            kept = [p.pk for p in self.instance.permissions.all() if p.pk not in offered]
        return [*self.cleaned_data["permissions"], *kept]

    def _chosen(self) -> set[str]:
        if self.is_bound:
            data = cast(QueryDict, self.data)  # a bound form's data is the POST QueryDict
            return {str(value) for value in data.getlist("permissions")}
        return {str(value) for value in self.initial.get("permissions", [])}

    def permission_modules(self) -> list[PermissionModule]:
        """The rights by module (app) and record type, for the editor's tables."""
        chosen = self._chosen()
        modules: dict[str, dict[str, PermissionRow]] = {}
        for permission in self._permissions:
            content_type = permission.content_type
            model = content_type.model_class()
            rows = modules.setdefault(content_type.app_label, {})
            row = rows.get(content_type.model)
            if row is None:
                label = capfirst(model._meta.verbose_name_plural) if model else content_type.model
                row = rows[content_type.model] = PermissionRow(str(label))
            action = permission.codename.split("_", 1)[0]
            box = PermissionBox(
                permission.pk, _permission_label(permission), str(permission.pk) in chosen
            )
            is_default = (
                model is not None and permission.codename == f"{action}_{model._meta.model_name}"
            )
            if action in ACTIONS and is_default:
                row.actions[action] = box
            else:
                row.others.append(box)
        order = [config.label for config in apps.get_app_configs()]
        return [
            PermissionModule(
                str(apps.get_app_config(app_label).verbose_name),
                sorted(rows.values(), key=lambda row: row.label),
            )
            for app_label, rows in sorted(modules.items(), key=lambda item: order.index(item[0]))
        ]

    def permission_groups(self) -> list[tuple[str, list[tuple[int, str, bool]]]]:
        """``[(module name, [(permission id, label, checked), ...]), ...]``, flat per module."""
        return [
            (
                module.label,
                [
                    (box.pk, box.label, box.checked)
                    for row in module.rows
                    for box in [*row.actions.values(), *row.others]
                    if box.pk is not None
                ],
            )
            for module in self.permission_modules()
        ]
