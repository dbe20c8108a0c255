from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from guanxi.core.models import CodeSequence, DictionaryEntry, IdempotencyKey, ScheduledRun


@admin.register(DictionaryEntry)
class DictionaryEntryAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "code", "name_zh", "name_en", "sort_order", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_zh", "name_en")


@admin.register(CodeSequence)
class CodeSequenceAdmin(admin.ModelAdmin):
    list_display = ("prefix", "year", "last_value")
    readonly_fields = ("prefix", "year", "last_value")


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("name", "last_run_at")
    readonly_fields = ("name", "last_run_at")


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    """Read-only: support staff can see which retries were answered from a kept response."""

    list_display = ("created_at", "user", "method", "path", "key", "status_code")
    list_select_related = ("user",)
    search_fields = ("key", "path", "user__username")
    readonly_fields = [field.name for field in IdempotencyKey._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
