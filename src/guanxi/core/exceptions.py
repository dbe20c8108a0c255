"""Errors services raise; every entry point (page, API, import, job) turns them into an answer."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone saved the record after the caller read it; nothing was written."""

    default_message = _(
        "This record was changed by someone else after you opened it. "
        "Reload it, check their changes and save again."
    )

    def __init__(self, message: str | None = None, *, current_version: int | None = None):
        self.message = message or str(self.default_message)
        self.current_version = current_version
        super().__init__(self.message)


class BusinessRuleError(ValidationError):
    """A request breaks a business rule (an illegal transition, a missing right...)."""


class IdempotencyKeyReused(Exception):
    """An ``Idempotency-Key`` sent again with another request than the one it first came with."""

    default_message = _(
        "This Idempotency-Key was already used for a different request (another body, method "
        "or path); nothing was created. Send a new key with a new request."
    )

    def __init__(self, message: str | None = None):
        self.message = message or str(self.default_message)
        super().__init__(self.message)
