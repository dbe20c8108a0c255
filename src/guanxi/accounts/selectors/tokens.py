"""Which API tokens a user may list: their own; administrators anyone's."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.accounts.models import ApiToken, User
from guanxi.accounts.rules import manages_users


def token_list(*, actor: User, user_id: int | str | None = None) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if not manages_users(actor):
        return tokens.filter(user=actor)
    if user_id is None or user_id == "":
        return tokens
    try:
        return tokens.filter(user_id=int(user_id))
    except (TypeError, ValueError) as error:
        raise ValidationError({"user": _("Give the number of a user.")}) from error
