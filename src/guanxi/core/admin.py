from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from guanxi.core.models import CodeSequence, DictionaryEntry, ScheduledRun


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
