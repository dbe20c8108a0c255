"""Reads of field protection rules for their administration pages (not scoped: admins only)."""

from django.contrib.auth.models import Group
from django.db.models import QuerySet

from guanxi.customers.models import FieldRule


def field_rule_list() -> QuerySet[FieldRule]:
    """Every live rule with its role, by field then role."""
    return FieldRule.objects.select_related("role").order_by("field", "role__name")


def field_rule_get(*, pk) -> FieldRule:
    return FieldRule.objects.select_related("role").get(pk=pk)


def field_rule_role_choices() -> QuerySet[Group]:
    return Group.objects.order_by("name")
