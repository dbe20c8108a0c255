"""Protection of the public forms (no sign-in): a rate limit per client address, a honeypot
field and a signed minimum fill time. Used by the lead web form 在线咨询 and the service
request web form, so both behave alike.

A form class mixes in :class:`SpamProtectedForm` and names its ``spam_salt``; its template
renders ``started`` (hidden) and ``website`` (hidden from people, off-screen). The view:

1. :func:`over_rate_limit` (answer 429): only submissions that were saved count, so a person
   correcting a mistake a few times is not locked out;
2. :meth:`~SpamProtectedForm.is_robot` (the honeypot is filled): dropped silently, answered
   like a success, so a robot learns nothing — the only case of a thank-you without a save;
3. :meth:`~SpamProtectedForm.is_expired`: "fill it in again";
4. ``is_valid()``, which also refuses a form sent faster than a person types or without a
   valid stamp: the form comes back with a message and a fresh stamp, never a thank-you;
5. after the save, :func:`rate_limit_count`.
"""

import time

from django import forms
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from guanxi.core.client_address import client_address

# A person needs a few seconds to fill a form; a submission faster than this is a robot's.
MIN_FILL_SECONDS = 3
# A form older than this (a page left open for a day) is answered with "reload".
MAX_FORM_AGE = 24 * 3600


def _rate_key(request, scope: str) -> str:
    return f"guanxi:{scope}:{client_address(request)}"


def over_rate_limit(request, *, scope: str, rate: int, window: int) -> bool:
    """Whether the client's address already made ``rate`` saved submissions under ``scope``
    within ``window`` seconds (this one is not counted: see :func:`rate_limit_count`)."""
    return (cache.get(_rate_key(request, scope)) or 0) >= rate


def rate_limit_count(request, *, scope: str, window: int) -> None:
    """Count a saved submission of the client's address under ``scope`` for ``window`` s."""
    key = _rate_key(request, scope)
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


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

    def is_robot(self) -> bool:
        """The honeypot is filled: nobody who sees the form does that."""
        return bool(self.data.get("website"))

    def clean(self):
        cleaned = super().clean()
        started = self.started_at()
        if started is None or time.time() - started < self.min_fill_seconds:
            # A fresh stamp, so sending the form again after a look at it goes through.
            self.data = self.data.copy()
            self.data["started"] = fill_stamp(salt=self.spam_salt)
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "The form was sent before it could be read, or its page is out of "
                        "date. Check your entries and send it again."
                    ),
                    code="too_fast",
                ),
            )
        return cleaned

    def is_expired(self) -> bool:
        started = self.started_at()
        return started is not None and time.time() - started > self.max_form_age
