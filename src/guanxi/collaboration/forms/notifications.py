"""Forms of the collaboration pages; they only parse input, the services decide the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.collaboration.models import NotificationPreference
from guanxi.collaboration.selectors.notifications import PreferenceRow
from guanxi.collaboration.services.notifications import MAX_COMMENT_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Write a comment…")}),
    )


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of notification: in the app, by e-mail, or off (a kind left out of
    the submission keeps its current choice)."""

    def __init__(self, data=None, *, rows: list[PreferenceRow]) -> None:
        super().__init__(data)
        for row in rows:
            self.fields[row.kind] = forms.ChoiceField(
                label=row.label,
                choices=NotificationPreference.Channel.choices,
                initial=row.channel,
                required=False,
                widget=forms.RadioSelect,
            )
