"""Forms of the collaboration pages; they only parse input, the services decide the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.collaboration.services.notifications import MAX_COMMENT_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Write a comment…")}),
    )
