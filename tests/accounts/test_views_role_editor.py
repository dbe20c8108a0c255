"""The role editor speaks plainly: rights by module and record type in the reader's language,
never internal names (role keys, codenames, the audit history's models, bookkeeping)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from guanxi.accounts import roles

INTERNAL = re.compile(
    r"account_manager|historical|codesequence|idempotency|scheduledrun|roledefaultgrant"
    r"|view_|add_|change_|delete_|manage_",
    re.IGNORECASE,
)


def _visible_text(html: str) -> str:
    """The page as read: no tags, attributes or the form's field names."""
    body = html.split("<main", 1)[1]
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", body)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_role_editor_shows_no_internal_names(org, language):
    admin = org["admin"]
    admin.language = language
    admin.save(update_fields=["language"])
    client = Client()
    client.force_login(admin)
    role = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    response = client.get(reverse("accounts:role_edit", args=[role.pk]))
    assert response.status_code == 200
    text = _visible_text(response.content.decode())
    assert INTERNAL.search(text) is None, INTERNAL.search(text)
    html = response.content.decode()
    assert 'name="name"' not in html  # a built-in role's key is not an editable field
    form = response.context["form"]
    assert form.builtin_label == str(roles.ROLE_LABELS[roles.ACCOUNT_MANAGER])
    assert form.builtin_label in text


def test_rights_are_grouped_by_module_and_record_type_with_four_columns(org):
    client = Client()
    client.force_login(org["admin"])
    form = client.get(reverse("accounts:role_create")).context["form"]
    with translation.override("en"):
        modules = {module.label: module for module in form.permission_modules()}
    customers = {row.label: row for row in modules["Customers"].rows}
    customer_row = customers["Customers"]
    assert [box.pk is not None for box in customer_row.boxes] == [True] * 4
    assert sorted(box.label for box in customer_row.others) == [
        "Can anonymise a person's personal data",
        "Can export a person's personal data",
        "Can export customers and contacts",
    ]
    # A module lists each record type once; no row is the audit history of another.
    labels = [row.label for module in modules.values() for row in module.rows]
    assert not [label for label in labels if "historical" in label.lower()]
    assert "System" in modules  # core's rights (dictionaries, access log), not "Core"


def test_the_role_list_names_built_in_roles_in_the_readers_language(org):
    client = Client()
    client.force_login(org["admin"])
    text = _visible_text(client.get(reverse("accounts:role_list")).content.decode())
    assert "account_manager" not in text and "sales_assistant" not in text
