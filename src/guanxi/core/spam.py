"""Protection of the public forms (no sign-in): a rate limit per client address, a honeypot
field and a signed minimum fill time. Used by the lead web form 在线咨询 and the service
request web form, so both behave alike.

A form class mixes in :class:`SpamProtectedForm` and names its ``spam_salt``; its template
renders ``started`` (hidden) and ``website`` (hidden from people, off-screen). The view calls
:func:`over_rate_limit` first (answer 429), then drops :meth:`~SpamProtectedForm.is_spam`
submissions silently (answered like a success, so a robot learns nothing) and answers
:meth:`~SpamProtectedForm.is_expired` ones with "fill it in again".
"""

import time

from django import forms
from django.core import signing
from django.core.cache import cache

from guanxi.core.client_address import client_address

# A person needs a few seconds to fill a form; a submission faster than this is a robot's.
MIN_FILL_SECONDS = 3
# A form older than this (a page left open for a day) is answered with "reload".
MAX_FORM_AGE = 24 * 3600


def over_rate_limit(request, *, scope: str, rate: int, window: int) -> bool:
    """Count this submission for the client's address under ``scope``; true once more than
    ``rate`` submissions came within ``window`` seconds."""
    key = f"guanxi:{scope}:{client_address(request)}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > rate


def fill_stamp(*, salt: str, seconds_ago: float = 0) -> str:
    """The signed time a form was shown (tests pass ``seconds_ago`` to fake a person)."""
    return signing.dumps(time.time() - seconds_ago, salt=salt)


class SpamProtectedForm(forms.Form):
    """A public form with a honeypot (``website``) and the signed time it was shown
    (``started``). Subclasses set ``spam_salt``, distinct per form, so one form's stamp does
    not pass on another."""

    spam_salt = "guanxi.public-form"
    min_fill_seconds = MIN_FILL_SECONDS
    max_form_age = MAX_FORM_AGE

    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1"}))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = fill_stamp(salt=self.spam_salt)

    def started_at(self) -> float | None:
        try:
            return float(
                signing.loads(self.data.get("started", ""), salt=self.spam_salt, max_age=None)
            )
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def is_spam(self) -> bool:
        """The honeypot is filled, or the form came back too fast or without a valid stamp."""
        if self.data.get("website"):
            return True
        started = self.started_at()
        return started is None or time.time() - started < self.min_fill_seconds

    def is_expired(self) -> bool:
        started = self.started_at()
        return started is not None and time.time() - started > self.max_form_age
