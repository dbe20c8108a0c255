"""Field protection 字段保护: the one place that decides how a viewer sees a sensitive field.

Administrators mark customer and contact fields (phone, e-mail, tax id...) as *masked*
(``138****8000``) or *hidden* for chosen roles (:class:`~guanxi.customers.models.FieldRule`).
Pages (the ``{% protected %}`` tag), exports, vCards and the API all ask this module, so the
rule is applied the same way wherever a value leaves the server.

Decisions:

- Rules attach to roles only. A user without a rule for a field sees it in full, whatever
  their other rights; an administrator role with no rule therefore sees everything, and a
  superuser is treated like anyone else with the same roles.
- A user with several roles gets the strictest rule among them: hidden beats masked.
- The rules are read once per user object (one query) and kept on it, so a list of any length
  costs one query; each request loads a fresh user, so a changed rule applies to the next one.
- An empty value stays empty when masked: a mask must not pretend there is something.
- A protected field takes no part in what its reader can search, filter or sort by, and the
  duplicate check does not name a customer found through it (search.keys,
  selectors.customers.searchable_columns / protected_path, dedup): each answer would otherwise
  tell, one request at a time, what the mask hides.
"""

import copy
import re
from collections.abc import Iterable
from dataclasses import replace

from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Exists, OuterRef

from guanxi.core.selectors.pages import EMPTY
from guanxi.core.services import access_log
from guanxi.customers.models import FieldRule

MASKED = FieldRule.Mode.MASKED.value
HIDDEN = FieldRule.Mode.HIDDEN.value
PROTECTABLE_FIELDS: frozenset[str] = frozenset(FieldRule.Field.values)
_STRICTNESS = {MASKED: 1, HIDDEN: 2}
_CACHE_ATTRIBUTE = "_guanxi_field_protection"
_RULED_ATTRIBUTE = "_guanxi_ruled_fields"

PHONE_FIELDS = frozenset(
    {"customer.phone", "customer.fax", "contact.mobile", "contact.office_phone"}
)
EMAIL_FIELDS = frozenset({"customer.email", "contact.email"})
IDENTIFIER_FIELDS = frozenset(
    {"customer.tax_id", "customer.bank_account", "customer.business_licence_no"}
)
ADDRESS_FIELDS = frozenset({"customer.address"})

MASK = "****"
# How much of an address stays readable: the city and district, roughly, never the street.
ADDRESS_VISIBLE_CHARS = 6
_NON_DIGITS = re.compile(r"\D")


def field_key(record_or_model, field: str) -> str:
    """The rule key of ``field`` on a customer or contact (``"contact.mobile"``).

    ``record_or_model`` is a record, its model class, or the model's name (``"contact"``).
    """
    if isinstance(record_or_model, str):
        model_name = record_or_model.lower()
    else:
        model_name = record_or_model._meta.model_name
    return f"{model_name}.{field}"


# --- which rules apply to a user ------------------------------------------------------------


def field_protection(user) -> dict[str, str]:
    """``{field key: "masked" | "hidden"}`` for ``user``: the strictest rule of their roles."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    protection: dict[str, str] = {}
    # Every rule, each marked whether it is one of the user's roles': the same one query also
    # tells which fields are protected for anyone (see ``watched_fields``).
    mine = Exists(Group.objects.filter(pk=OuterRef("role_id"), user=user))
    rules = FieldRule.objects.annotate(mine=mine).values_list("field", "mode", "mine")
    ruled: set[str] = set()
    for key, mode, applies in rules:
        ruled.add(key)
        if applies and _STRICTNESS.get(mode, 0) > _STRICTNESS.get(protection.get(key, ""), 0):
            protection[key] = mode
    setattr(user, _CACHE_ATTRIBUTE, protection)
    setattr(user, _RULED_ATTRIBUTE, frozenset(ruled))
    return protection


def watched_fields(user) -> frozenset[str]:
    """The field keys some role has a rule for, which ``user`` nevertheless sees in full.

    Showing such a value is a sensitive access (``core`` logs it): the company protects the
    field, and this reader is one of those trusted with it.
    """
    protection = field_protection(user)
    ruled: frozenset[str] = getattr(user, _RULED_ATTRIBUTE, frozenset())
    return frozenset(key for key in ruled if key not in protection)


def field_protection_forget(user) -> None:
    """Drop the rules kept on ``user`` (after the rules changed within the same request)."""
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)
    if user is not None and hasattr(user, _RULED_ATTRIBUTE):
        delattr(user, _RULED_ATTRIBUTE)


def field_mode(user, record_or_model, field: str) -> str | None:
    """``"masked"``, ``"hidden"`` or ``None`` (shown in full) for ``field`` and ``user``."""
    return field_protection(user).get(field_key(record_or_model, field))


def protected_fields(user, model) -> dict[str, str]:
    """``{field name: mode}`` of the protected fields of ``model`` (a class, record or name)."""
    prefix = field_key(model, "")
    return {
        key[len(prefix) :]: mode
        for key, mode in field_protection(user).items()
        if key.startswith(prefix)
    }


# --- masking a value ------------------------------------------------------------------------


def _mask_phone(value: str) -> str:
    digits = _NON_DIGITS.sub("", value)
    # A mainland number written with its country code (+86 / 0086) is masked as the bare number.
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    if len(digits) >= 8:
        return f"{digits[:3]}{MASK}{digits[-4:]}"
    return f"{MASK}{digits[-2:]}" if len(digits) >= 4 else MASK


def _mask_email(value: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return MASK
    return f"{local[0]}***@{domain}"


def _mask_identifier(value: str) -> str:
    compact = value.replace(" ", "")
    return f"{MASK}{compact[-4:]}" if len(compact) > 4 else MASK


def _mask_address(value: str) -> str:
    visible = min(ADDRESS_VISIBLE_CHARS, len(value) // 2)
    return f"{value[:visible]}{MASK}"


def mask_value(key: str, value) -> str:
    """``value`` of the field ``key`` as a masked viewer sees it.

    Phones keep the first 3 and last 4 digits (``138****8000``), e-mails the first letter and
    the domain (``z***@example.com``), ids and accounts the last 4 characters, addresses their
    first few characters. The number of stars is fixed, so the mask does not tell the length.
    """
    if value is None or value == "":
        return ""
    text = str(value).strip()
    if key in PHONE_FIELDS:
        return _mask_phone(text)
    if key in EMAIL_FIELDS:
        return _mask_email(text)
    if key in IDENTIFIER_FIELDS:
        return _mask_identifier(text)
    if key in ADDRESS_FIELDS:
        return _mask_address(text)
    return MASK


def shown_value(mode: str | None, key: str, value):
    """What a viewer with ``mode`` for ``key`` sees of ``value``: itself, masked, or ``None``."""
    if mode == HIDDEN:
        return None
    if mode == MASKED:
        return mask_value(key, value)
    return value


def protect(user, record, field: str):
    """``record.field`` as ``user`` may see it: the value, its mask, or ``None`` when hidden."""
    key = field_key(record, field)
    return shown_value(field_protection(user).get(key), key, getattr(record, field, ""))


def note_unmasked(request, user, record, field: str, shown) -> None:
    """Tell the sensitive-access log that ``request`` showed ``user`` the protected
    ``record.field`` in full (nothing when the value is empty or no role protects the field)."""
    if user is None or shown in (None, "") or record is None:
        return
    if field_key(record, field) in watched_fields(user):
        access_log.note_protected_view(request, record, field)


# --- whole records, rows and dicts (serializers, exports, vCards) ---------------------------


def protect_data(user, model, data: dict) -> dict:
    """``data`` (a serializer's output for a ``model`` record) as ``user`` may see it.

    Masked fields carry their mask; hidden fields are left out altogether. A new dict is
    returned, the input is not changed.
    """
    fields = protected_fields(user, model)
    if not fields:
        return data
    shown = dict(data)
    for name, mode in fields.items():
        if name not in shown:
            continue
        if mode == HIDDEN:
            del shown[name]
        else:
            shown[name] = mask_value(field_key(model, name), shown[name])
    return shown


def protected_copy(user, record):
    """A copy of ``record`` whose protected fields read masked or empty (hidden); never save it.

    For writers that read attributes (the vCard export), so they need not know the rules.
    """
    fields = protected_fields(user, record)
    if not fields:
        return record
    shown = copy.copy(record)
    shown._state = copy.copy(record._state)
    shown._state.adding = False
    for name, mode in fields.items():
        value = shown_value(mode, field_key(record, name), getattr(record, name, ""))
        setattr(shown, name, "" if value is None else value)
    # A copy carrying masks must never overwrite the real record.
    shown.save = _refuse_save
    return shown


def _refuse_save(*args, **kwargs):
    raise RuntimeError("A record with masked fields cannot be saved.")


def protected_copies(user, records: Iterable) -> list:
    return [protected_copy(user, record) for record in records]


def protect_history(user, model, entries: list) -> list:
    """Audit entries (``core.selectors.record_history``) with protected field changes masked.

    A hidden field's changes are left out of each entry; a masked one shows both values masked,
    so the history cannot be used to read what the profile does not show. Without a user
    (``None``) every protectable field counts as hidden.
    """
    if user is None:
        prefix = field_key(model, "")
        names = [key[len(prefix) :] for key in PROTECTABLE_FIELDS if key.startswith(prefix)]
        fields = dict.fromkeys(names, HIDDEN)
    else:
        fields = protected_fields(user, model)
    if not fields:
        return entries
    shown = []
    for entry in entries:
        changes = []
        for change in entry.changes:
            mode = fields.get(change.field)
            if mode == HIDDEN:
                continue
            if mode == MASKED:
                key = field_key(model, change.field)
                change = replace(
                    change,
                    before=_mask_shown(key, change.before),
                    after=_mask_shown(key, change.after),
                )
            changes.append(change)
        shown.append(replace(entry, changes=changes))
    return shown


def _mask_shown(key: str, text: str) -> str:
    # The history shows an empty value as a dash; a dash is not a value to mask.
    return text if text == EMPTY else mask_value(key, text)


def is_protectable(model: type[models.Model], field: str) -> bool:
    return field_key(model, field) in PROTECTABLE_FIELDS
