"""The sensitive-access log page 敏感访问日志: administrators search who saw or took what."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest

from guanxi.core.access_log_text import access_log_summary, model_name
from guanxi.core.forms.access_log import AccessLogFilterForm
from guanxi.core.rules import SEARCH_ACCESS_LOG
from guanxi.core.selectors import access_log as selectors
from guanxi.core.views.generic import ObjectListView


class AccessLogListView(ObjectListView):
    permission = SEARCH_ACCESS_LOG
    active_nav = "access_log"
    template_name = "core/access_log_list.html"
    partial_template_name = "core/partials/_access_log_table.html"
    filter_form = AccessLogFilterForm
    ordering = ("-created_at", "-id")

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet:
        assert isinstance(form, AccessLogFilterForm)
        return selectors.access_log_list(actor=request.user, **form.query())

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        rows = [
            {
                "entry": entry,
                "summary": access_log_summary(entry),
                "target": model_name(f"{entry.target_type.app_label}.{entry.target_type.model}")
                if entry.target_type_id
                else "",
            }
            for entry in page.object_list
        ]
        return {"rows": rows}


access_log_list = AccessLogListView.as_view()
