"""``Authorization: Token <key>`` against the expiring, revocable tokens of the accounts app."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from guanxi.accounts.services.tokens import token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token header, read against ``ApiToken`` (expiry, revocation, digest storage)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = token_authenticate(key=key)
        if token is None:
            raise AuthenticationFailed(_("The token is invalid, expired or revoked."))
        return token.user, token
