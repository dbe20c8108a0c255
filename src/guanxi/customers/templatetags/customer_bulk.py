"""``{% customer_bulk_bar %}``: the customer list's bulk bar; the new owner is picked by typing."""

from django import template

from guanxi.customers import rules
from guanxi.customers.forms.bulk import BulkReassignForm

register = template.Library()


@register.inclusion_tag("customers/partials/_bulk_bar.html", takes_context=True)
def customer_bulk_bar(context):
    request = context["request"]
    user = request.user
    can_reassign = user.has_perm(rules.CHANGE_CUSTOMER)
    form = BulkReassignForm(actor=user, auto_id="bulk-%s") if can_reassign else None
    if form is not None:
        form.fields["owner"].widget.attrs["data-testid"] = "bulk-owner"
    return {
        # The new owner is chosen with the user picker, checked against the same scope.
        "form": form,
        "can_reassign": can_reassign,
        "can_export": user.has_perm(rules.EXPORT_CUSTOMERS),
        "back": request.GET.urlencode(),
        "csrf_token": context.get("csrf_token"),
    }
