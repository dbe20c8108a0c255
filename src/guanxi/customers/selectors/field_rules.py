"""Reads of field protection rules for their administration pages (not scoped: admins only)."""

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import QuerySet

from guanxi.customers.models import FieldRule


def field_rule_list() -> QuerySet[FieldRule]:
    """Every live rule with its role, by field then role."""
    rules: QuerySet[FieldRule] = FieldRule.objects.select_related("role")
    return rules.order_by("field", "role__name")


def field_rule_get(*, pk: Any) -> FieldRule:
    rule: FieldRule = FieldRule.objects.select_related("role").get(pk=pk)
    return rule


def field_rule_role_choices() -> QuerySet[Group]:
    return Group.objects.order_by("name")
