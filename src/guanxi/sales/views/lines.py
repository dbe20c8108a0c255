"""The editing flow of a record with line items (orders 订单, quotes 报价), shared by both.

Both pages show a header form and a formset of lines, let the user add a line in place
("add_line", no JavaScript needed), refuse records that can no longer change, and report a
stale edit as a conflict; only the form, the service and the wording differ.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from guanxi.core.exceptions import ConflictError
from guanxi.core.forms.dictionaries import apply_validation_error
from guanxi.core.htmx import redirect_after_form
from guanxi.sales.forms.orders import line_formset

LINE_FIELDS = ("product", "quantity", "unit_price", "discount")


def add_line_requested(request) -> bool:
    return "add_line" in request.POST


def with_one_more_line(request, *, keep_products=()):
    """The posted lines plus an empty one, as a fresh (unbound) formset showing the input."""
    posted = line_formset(request.POST, actor=request.user, keep_products=keep_products)
    initial = [
        {name: form[name].value() for name in LINE_FIELDS}
        for form in posted.forms
        if not (form.is_valid() and form.cleaned_data.get("DELETE"))
    ]
    return line_formset(actor=request.user, initial=initial, keep_products=keep_products, extra=1)


def posted_version(request) -> int:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else 0


def edit_with_lines(
    request,
    *,
    record,
    form_class,
    render: Callable,
    update: Callable,
    saved_message: str,
    locked_message: str,
    conflict_message: str,
):
    """GET shows ``record`` with its lines; POST adds a line or saves through ``update``.

    ``render(form=, lines=, status=)`` draws the page; ``update(expected_version=, lines=,
    **header)`` is the service call. Products no longer sold stay allowed on the lines that
    already use them.
    """
    existing = list(record.lines.all())
    keep = [line.product_id for line in existing]
    if not record.is_editable:
        messages.error(request, locked_message)
        return redirect(record.get_absolute_url())
    if request.method != "POST":
        form = form_class(initial=form_class.initial_for(record), actor=request.user)
        initial = [
            {
                "product": line.product_id,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount": line.discount,
            }
            for line in existing
        ]
        lines = line_formset(actor=request.user, initial=initial, keep_products=keep)
        return render(form=form, lines=lines)
    form = form_class(request.POST, actor=request.user)
    if add_line_requested(request):
        form.is_valid()
        return render(form=form, lines=with_one_more_line(request, keep_products=keep))
    lines = line_formset(request.POST, actor=request.user, keep_products=keep)
    status = 200
    if form.is_valid() and lines.is_valid():
        try:
            update(
                expected_version=form.cleaned_data["version"], lines=lines.lines(), **form.values()
            )
        except ConflictError:
            form.add_error(None, conflict_message)
            status = 409
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, saved_message)
            return redirect_after_form(request, record.get_absolute_url())
    return render(form=form, lines=lines, status=status)
