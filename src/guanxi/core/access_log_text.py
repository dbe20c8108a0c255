"""The sensitive-access log's entries in words, in the reader's language.

An entry stores parameters (model, row count, filters, fields, file name), never a sentence;
the page and the API word them here when read.
"""

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.core.models import AccessLogEntry


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_name(label: str, *, plural: bool = False) -> str:
    """``customers.customer`` as "客户"/"customers"; an unknown label as itself."""
    model = _model(label)
    if model is None:
        return label
    meta = model._meta
    return str(meta.verbose_name_plural if plural else meta.verbose_name)


def field_name(key: str) -> str:
    """``customers.customer.phone`` as "Customer: phone"; an unknown key as itself."""
    label, _dot, field = key.rpartition(".")
    model = _model(label)
    if model is None:
        return key
    try:
        verbose = model._meta.get_field(field).verbose_name
    except FieldDoesNotExist:
        return key
    return f"{capfirst(model._meta.verbose_name)}: {verbose}"


def _filters(filters: Any) -> str:
    if not isinstance(filters, dict) or not filters:
        return _("no filters")
    return ", ".join(f"{key}={value}" for key, value in sorted(filters.items()))


def access_log_summary(entry: AccessLogEntry) -> str:
    """One line saying what the entry recorded."""
    details = entry.details if isinstance(entry.details, dict) else {}
    if entry.kind == AccessLogEntry.Kind.VIEWED_PROTECTED:
        count = int(details.get("record_count") or 0)
        return ngettext(
            "%(fields)s, on %(count)d record (%(path)s)",
            "%(fields)s, on %(count)d records (%(path)s)",
            count,
        ) % {
            "fields": "; ".join(field_name(key) for key in details.get("fields", [])),
            "count": count,
            "path": details.get("path", ""),
        }
    if entry.kind == AccessLogEntry.Kind.EXPORTED:
        count = int(details.get("row_count") or 0)
        return ngettext(
            "%(count)d row of %(model)s as %(format)s; %(filters)s",
            "%(count)d rows of %(model)s as %(format)s; %(filters)s",
            count,
        ) % {
            "count": count,
            "model": model_name(str(details.get("model", "")), plural=True),
            "format": details.get("format", ""),
            "filters": _filters(details.get("filters")),
        }
    if entry.kind == AccessLogEntry.Kind.DOWNLOADED_DOCUMENT:
        return _("File “%(name)s”, version %(version)s") % {
            "name": details.get("file_name", ""),
            "version": details.get("version", ""),
        }
    if entry.kind == AccessLogEntry.Kind.SUBJECT_ACCESS_EXPORT:
        count = int(details.get("row_count") or 0)
        return ngettext(
            "Everything held about this %(model)s: %(count)d row",
            "Everything held about this %(model)s: %(count)d rows",
            count,
        ) % {"model": model_name(str(details.get("model", ""))), "count": count}
    if entry.kind == AccessLogEntry.Kind.ANONYMISED:
        return _("Personal data of the %(model)s replaced for good; reason: %(reason)s") % {
            "model": model_name(str(details.get("model", ""))),
            "reason": details.get("reason", ""),
        }
    return ", ".join(f"{key}={value}" for key, value in sorted(details.items()))
