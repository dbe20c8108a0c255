"""Who may comment and who may delete a comment: the collaboration app's rights, written once.

Notifications need no right: everyone signed in reads and marks their own, and nobody else's.
"""

from typing import Any

from guanxi.accounts.roles import ACCOUNT_MANAGER, EXECUTIVE, SALES_ASSISTANT, SUPERVISOR
from guanxi.core.rules import Predicate, predicate

# -- the model rights of the app --------------------------------------------------------------
VIEW_COMMENT = "collaboration.view_comment"
ADD_COMMENT = "collaboration.add_comment"
DELETE_COMMENT = "collaboration.delete_comment"


# -- predicates -------------------------------------------------------------------------------


@predicate
def is_signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


@predicate
def writes_comments(user: Any) -> bool:
    """Holds the right to leave comments."""
    return bool(user.has_perm(ADD_COMMENT))


@predicate
def moderates_comments(user: Any) -> bool:
    """Holds the right to delete anyone's comments (administrators)."""
    return bool(user.has_perm(DELETE_COMMENT))


@predicate
def wrote_comment(user: Any, comment: Any) -> bool:
    """The comment is the user's own."""
    return bool(comment is not None and comment.created_by_id == user.pk)


# The author deletes their own comment; moderators delete anyone's.
can_delete_comment: Predicate = is_signed_in & (wrote_comment | moderates_comments)


# -- what the built-in roles hold by default (registered from the app's ready()) ---------------
# Everyone who works customers comments on them; deleting others' comments stays with
# administrators.
ROLE_GRANTS = {
    EXECUTIVE: ["collaboration.view_*"],
    SUPERVISOR: [VIEW_COMMENT, ADD_COMMENT],
    ACCOUNT_MANAGER: [VIEW_COMMENT, ADD_COMMENT],
    SALES_ASSISTANT: [VIEW_COMMENT, ADD_COMMENT],
}
