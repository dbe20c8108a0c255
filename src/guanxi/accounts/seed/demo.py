"""The demo organisation of the issue tracker's foundation issue: one login per role.

Used by ``guanxi demo`` and by the test suite, never by ``guanxi serve``.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from guanxi.accounts import roles
from guanxi.accounts.models import Team, User

DEMO_PASSWORD = "guanxi-demo"  # noqa: S105  (documented demo credential)

# username, family name, given name, role, team key, supports
DEMO_USERS = [
    ("admin", "王", "管理", roles.ADMINISTRATOR, None, ()),
    ("exec", "赵", "总", roles.EXECUTIVE, None, ()),
    ("supervisor", "李", "华东", roles.SUPERVISOR, "east", ()),
    ("manager1", "张", "伟", roles.ACCOUNT_MANAGER, "east", ()),
    ("manager2", "刘", "洋", roles.ACCOUNT_MANAGER, "east", ()),
    ("supervisor2", "陈", "华北", roles.SUPERVISOR, "north", ()),
    ("manager3", "杨", "静", roles.ACCOUNT_MANAGER, "north", ()),
    ("assistant", "周", "敏", roles.SALES_ASSISTANT, "east", ("manager1",)),
]


def _team(name: str, parent: Team | None) -> Team:
    team = Team.objects.filter(name=name, parent=parent).first()
    if team is None:
        team = Team.objects.create(name=name, parent=parent)
        team.path = f"{parent.path if parent else '/'}{team.pk}/"
        team.save(update_fields=["path"])
    return team


@transaction.atomic
def create_demo_organisation(password: str = DEMO_PASSWORD) -> dict[str, User]:
    """Create (or refresh) the teams Sales → East / North and the eight demo users."""
    sales = _team("销售部", None)
    teams = {"east": _team("华东组", sales), "north": _team("华北组", sales)}
    users: dict[str, User] = {}
    for username, family, given, role, team_key, supports in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.last_name, user.first_name = family, given
        user.email = f"{username}@demo.guanxi.local"
        user.team = teams.get(team_key) if team_key else None
        user.is_staff = role == roles.ADMINISTRATOR
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        user.supports.set([users[name] for name in supports])
        users[username] = user
    return users
