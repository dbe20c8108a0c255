"""The user picker (``core.pickers``): people a form may name (owner, assignee, supporter…).

It offers the active users the actor may see (``selectors.users.user_list``), found by login,
name, e-mail, or the name's pinyin and initials (张伟 ← ``zhangwei``, ``zw``). A form narrows
the choice further (the owners it may assign); a posted id outside it is the field's error.
"""

from collections.abc import Sequence
from functools import lru_cache

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import user_list
from guanxi.core.pickers import PickerKind, PickerOption

# Users are a company's staff (hundreds): the pinyin test runs over this many at most.
MAX_SCANNED = 5000


@lru_cache(maxsize=4096)
def _pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name: 张伟 → ("zhangwei", "zw")."""
    syllables = [syllable.lower() for syllable in lazy_pinyin(name) if syllable.strip()]
    return "".join(syllables), "".join(syllable[0] for syllable in syllables)


def user_choices(actor: User) -> QuerySet[User]:
    return user_list(actor=actor).filter(is_active=True).select_related("team")


def _matches(user: User, term: str) -> bool:
    term = term.casefold().replace(" ", "")
    texts = (user.username, user.email, str(user), *_pinyin(str(user)))
    return any(term in (text or "").casefold().replace(" ", "") for text in texts)


def user_search(actor: User, term: str, limit: int) -> Sequence[User]:
    users = (
        user_choices(actor)
        .order_by("username")
        .only("id", "username", "first_name", "last_name", "email", "team__name")
    )
    found: list[User] = []
    for user in users[:MAX_SCANNED]:
        if _matches(user, term):
            found.append(user)
            if len(found) >= limit:
                break
    return found


def user_option(actor: User, user: User, request: HttpRequest | None) -> PickerOption:
    """Name; login · team."""
    detail = " · ".join(part for part in (user.username, str(user.team or "")) if part)
    return PickerOption(pk=user.pk, label=str(user), detail=detail)


USER = PickerKind(
    key="user",
    label=_("Users"),
    queryset=user_choices,
    search=user_search,
    option=user_option,
    placeholder=_("Type a name, login or pinyin"),
)
