"""Revoking an API token from the profile page (own) or a user's page (administrators)."""

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.accounts.models import ApiToken
from guanxi.accounts.selectors import tokens as selectors
from guanxi.accounts.services import tokens as services
from guanxi.accounts.views.common import signed_in
from guanxi.core.views.generic import ObjectActionView, object_or_404


def _token_get(*, actor: Any, pk: Any) -> ApiToken:
    return selectors.token_list(actor=actor).get(pk=pk)


class TokenRevokeView(ObjectActionView):
    model = ApiToken

    def get_object(self, request: HttpRequest, pk: Any) -> Model:
        return object_or_404(_token_get, actor=signed_in(request), pk=pk)

    def act(self, request: HttpRequest, record: Any, form: Any) -> None:
        services.token_revoke(actor=signed_in(request), token=record)

    def done_url(self, request: HttpRequest, record: Any) -> str:
        if record.user_id == request.user.pk:
            return reverse("accounts:profile")
        return reverse("accounts:user_detail", args=[record.user_id])

    def success_message(self, record: Any) -> str:
        return _("The token was revoked; programs using it must sign in again.")
