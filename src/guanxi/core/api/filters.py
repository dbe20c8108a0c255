"""Shared API filters: ordering restricted to an allow-list (an unknown field is an error, never
silently ignored), ids in the database's range, date-times a database can compare."""

import datetime

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.fields import IsoDateTimeField
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from guanxi.core.validators import validate_business_date


class StrictOrderingFilter(filters.OrderingFilter):
    """``?ordering=-name,code`` over the view's ``ordering_fields`` only.

    ``ordering_fields`` maps the public name to a model path; the primary key is appended as
    a tie-breaker so pages never repeat or skip rows. A view may refuse some paths to some
    callers with ``ordering_refused(request, path) -> bool`` (a protected field).
    """

    def allowed(self, view) -> dict[str, str]:
        fields = getattr(view, "ordering_fields", None) or {}
        return fields if isinstance(fields, dict) else {name: name for name in fields}

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param, "")
        if not raw.strip():
            return self.get_default_ordering(view)
        allowed = self.allowed(view)
        refuse = getattr(view, "ordering_refused", None)
        ordering, unknown, refused = [], [], []
        for term in (part.strip() for part in raw.split(",")):
            name = term.removeprefix("-")
            if name not in allowed:
                unknown.append(term)
                continue
            if refuse is not None and refuse(request, allowed[name]):
                refused.append(term)
                continue
            ordering.append(("-" if term.startswith("-") else "") + allowed[name])
        if refused:
            # Ordering by a field the caller sees masked or not at all would reveal it.
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Cannot order by %(fields)s: protected for your role.")
                        % {"fields": ", ".join(refused)}
                    ]
                }
            )
        if unknown or not ordering:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Cannot order by %(fields)s. Allowed: %(allowed)s.")
                        % {
                            "fields": ", ".join(unknown) or "''",
                            "allowed": ", ".join(sorted(allowed)),
                        }
                    ]
                }
            )
        return [*ordering, "-pk" if ordering[-1].startswith("-") else "pk"]

    def get_schema_operation_parameters(self, view):
        allowed = ", ".join(sorted(self.allowed(view)))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Comma-separated fields, '-' for descending; one of: {allowed}. "
                "Any other field is refused with 400.",
                "schema": {"type": "string"},
            }
        ]


def id_filter(field_name: str, **kwargs) -> django_filters.NumberFilter:
    """Filter by a related record's id; only whole ids in the database's range are accepted."""
    return django_filters.NumberFilter(
        field_name=field_name, min_value=1, max_value=2**63 - 1, decimal_places=0, **kwargs
    )


# The widest offset any time zone uses; PostgreSQL refuses what lies beyond ±15:59.
MAX_UTC_OFFSET = datetime.timedelta(hours=14)


class MomentField(IsoDateTimeField):
    """An ISO 8601 date-time within the business dates, with a real time-zone offset."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return moment
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise DjangoValidationError(
                gettext_lazy("Enter a time-zone offset between -14:00 and +14:00."),
                code="utc_offset",
            )
        validate_business_date(moment.date())
        return moment


class MomentFilter(django_filters.IsoDateTimeFilter):
    """A date-time filter that refuses, with 400, times no database can compare."""

    field_class = MomentField
