"""``/search/?q=``: the global search page, and the header's dropdown (its htmx partial).

The page shows up to PAGE_LIMIT records of every kind, the dropdown DROPDOWN_LIMIT; both ask
core.search, which asks each app's providers within the reader's scope. A missing term shows
the empty page; a term that cannot be searched (too short, too long, control characters) says
why, never a server error.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from guanxi.core.htmx import is_partial
from guanxi.core.search import (
    DROPDOWN_LIMIT,
    MAX_TERM_LENGTH,
    PAGE_LIMIT,
    SearchOutcome,
    global_search,
    search_term_clean,
)
from guanxi.core.views.generic import ScopedPageView, render_page


class GlobalSearchView(ScopedPageView):
    http_method_names = ["get", "head", "options"]
    template_name = "core/search.html"
    partial_template_name = "core/partials/_search_results.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        raw = request.GET.get("q", "")
        dropdown = is_partial(request)
        outcome: SearchOutcome | None = None
        error = ""
        if raw.strip():
            try:
                term = search_term_clean(raw)
            except ValidationError as invalid:
                # While the first character is typed the dropdown stays quiet rather than scold.
                if not (dropdown and invalid.code == "min_length"):
                    error = " ".join(invalid.messages)
            else:
                outcome = global_search(
                    actor=request.user,
                    term=term,
                    limit=DROPDOWN_LIMIT if dropdown else PAGE_LIMIT,
                    request=request,
                )
        context = self.get_context(
            query=raw[: MAX_TERM_LENGTH * 2],
            outcome=outcome,
            error=error,
            dropdown=dropdown,
            max_length=MAX_TERM_LENGTH,
        )
        return render_page(
            request,
            template=self.template_name,
            partial_template=self.partial_template_name,
            context=context,
        )


global_search_page = GlobalSearchView.as_view()
