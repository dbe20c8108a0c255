"""The accounts models in Django's admin (/django-admin/), a fallback for administrators."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from guanxi.accounts.models import LoginEvent, Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "last_name", "first_name", "team", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "groups", "team", "language")
    list_select_related = ("team",)
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    filter_horizontal = ("groups", "user_permissions", "supports")
    fieldsets = (
        # Django's UserAdmin always sets fieldsets; the stubs keep ModelAdmin's "or None".
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Guanxi"), {"fields": ("team", "phone", "language", "supports")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Guanxi"), {"fields": ("team", "language")}),
    )


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "parent", "path")
    list_select_related = ("parent",)
    search_fields = ("name",)
    # The path is derived from the parent by the team services; a plain admin save keeps it.
    readonly_fields = ("path",)


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    """The login history is append-only: readable here, never edited."""

    list_display = ("at", "username", "kind", "ip_address", "user_agent")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
