"""Every write of a user or team is in its history, by whom it was made."""

from guanxi.accounts.models import Team
from guanxi.accounts.services import users as services


def test_a_users_own_language_choice_is_their_history_entry(org):
    user = org["manager1"]
    services.user_set_language(user=user, language="en")
    entry = user.history.order_by("-history_id").first()
    assert (entry.language, entry.history_user) == ("en", user)
    assert entry.history_change_reason == "system:accounts.language_chosen"


def test_moving_a_team_records_the_new_paths_of_its_subtree(org):
    admin = org["admin"]
    top = services.team_create(actor=admin, name="总部")
    moved = services.team_create(actor=admin, name="华南")
    child = services.team_create(actor=admin, name="深圳", parent=moved)
    assert child.history.order_by("-history_id").first().path == child.path
    services.team_update(actor=admin, team=moved, name="华南", parent=top)
    child = Team.objects.get(pk=child.pk)
    entry = child.history.order_by("-history_id").first()
    assert entry.path == child.path == f"{top.path}{moved.pk}/{child.pk}/"
    assert entry.history_user == admin
