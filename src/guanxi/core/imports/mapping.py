"""Which file column feeds which field: header synonyms in Chinese and English.

A header matches after folding width, case, spaces and punctuation, so ``客户 名称``,
``Customer_Name`` and ``ＣＵＳＴＯＭＥＲ　ＮＡＭＥ`` all mean the same field. A mapping is stored
as ``{header text: field name}``; unmapped columns are ignored. Every import (customers, leads
and the importers of the registry) maps its columns with these functions and its own field
table: ``(field, label, synonyms)`` triples.
"""

import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FieldTable = Iterable[tuple[str, object, tuple[str, ...]]]
NOT_A_FIELD = gettext_lazy("“%(field)s” is not a field of this import.")
# The mapping target of columns without a field of their own whose cells are kept in the
# record's notes, one "header: value" line each (any number of columns may take it).
APPEND_TO_NOTES = "+notes"


def fold(text) -> str:
    """``text`` as compared: NFKC, casefold, letters and digits only."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return "".join(char for char in folded if unicodedata.category(char)[0] in "LN")


def field_labels(fields) -> dict[str, str]:
    """Each importable field's label in the active language."""
    return {name: str(label) for name, label, _synonyms in fields}


def _synonym_table(fields) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, label, synonyms in fields:
        keys = [name, *synonyms]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                keys.append(str(label))
        for key in keys:
            table.setdefault(fold(key), name)
    return table


def guess_mapping(headers: list[str], fields) -> dict[str, str]:
    """``{header: field}`` for every header that names a field; each field is used once."""
    table = _synonym_table(fields)
    mapping: dict[str, str] = {}
    for header in headers:
        field = table.get(fold(header))
        if field and field not in mapping.values() and header not in mapping:
            mapping[header] = field
    return mapping


def mapping_clean(
    mapping,
    headers: list[str],
    *,
    fields,
    required=(),
    not_a_field=NOT_A_FIELD,
) -> dict[str, str]:
    """Check a mapping chosen by a person: known headers and fields, each field once, a name.

    Empty targets mean "ignore this column" and are dropped. ``not_a_field`` is the message
    for a target outside ``fields`` (it names the field as ``%(field)s``).
    """
    names = tuple(name for name, _label, _synonyms in fields)
    labels = field_labels(fields)
    if not isinstance(mapping, dict):
        raise ValidationError({"mapping": _("The column mapping must be an object.")})
    cleaned: dict[str, str] = {}
    for header, field in mapping.items():
        if not field:
            continue
        if header not in headers:
            raise ValidationError(
                {"mapping": _("The file has no column “%(column)s”.") % {"column": header}}
            )
        if field == APPEND_TO_NOTES and "notes" in names:
            cleaned[header] = field
            continue
        if field not in names:
            raise ValidationError({"mapping": str(not_a_field) % {"field": field}})
        if field in cleaned.values():
            raise ValidationError(
                {"mapping": _("Two columns are mapped to “%(field)s”.") % {"field": labels[field]}}
            )
        cleaned[header] = field
    for field in required:
        if field not in cleaned.values():
            raise ValidationError(
                {
                    "mapping": _("Choose the column that holds “%(field)s”.")
                    % {"field": labels[field]}
                }
            )
    return cleaned
