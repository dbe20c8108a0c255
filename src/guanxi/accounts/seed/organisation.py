"""The organisation a seed run writes for: account managers to own the data (five teams of ten
besides the demo logins), and ``seed``, the run that calls every app's seeders in order."""

import random
import time
from collections.abc import Callable

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from guanxi.accounts import roles
from guanxi.accounts.models import Team, User
from guanxi.accounts.seed.demo import DEMO_USERS
from guanxi.core.bulk import BATCH_SIZE, BatchWriter
from guanxi.core.models import DictionaryEntry
from guanxi.core.seeding import SeedContext, SeedReport, registered_seeders, words

BENCH_TEAMS = 5
BENCH_MANAGERS_PER_TEAM = 10


def account_managers() -> list[User]:
    """Active account managers in a stable order (the seed's owners)."""
    return list(
        User.objects.filter(groups__name=roles.ACCOUNT_MANAGER, is_active=True)
        .order_by("username")
        .distinct()
    )


@transaction.atomic
def bench_organisation_ensure() -> list[User]:
    """Make sure there are account managers besides the demo ones: five teams of ten.

    A benchmark needs a realistic spread (manager1 owning a small share, not a third).
    Their password is unusable: they own data, nobody signs in as them.
    """
    demo = {row[0] for row in DEMO_USERS}
    if any(user.username not in demo for user in account_managers()):
        return account_managers()
    manager_role = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    parent = Team.objects.filter(parent=None).order_by("pk").first()
    for team_no in range(1, BENCH_TEAMS + 1):
        team = Team.objects.create(name=f"压测{team_no}组", parent=parent)
        team.path = f"{parent.path if parent else '/'}{team.pk}/"
        team.save(update_fields=["path"])
        rng = random.Random(team_no)  # noqa: S311  (names only)
        for member in range(1, BENCH_MANAGERS_PER_TEAM + 1):
            user = User(
                username=f"bench{team_no:02d}{member:02d}",
                team=team,
                last_name=rng.choice(words.FAMILY),
                first_name=rng.choice(words.GIVEN),
                email=f"bench{team_no:02d}{member:02d}@bench.guanxi.local",
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(manager_role)
    return account_managers()


def seed(
    *,
    customers: int,
    seed: int = 1,
    owners: list[User] | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] | None = None,
    parallel: bool = False,
) -> SeedReport:
    """Generate ``customers`` customers (and what other apps derive from them) deterministically.

    ``parallel`` overlaps generating and writing on PostgreSQL (used by ``guanxi seed`` and the
    benchmark); the data is the same either way.
    """
    if customers < 0:
        raise ValueError("customers must be zero or more")
    started = time.perf_counter()
    if owners is None:
        owners = bench_organisation_ensure()
    dictionaries: dict[str, list[int]] = {}
    for kind, pk in (
        DictionaryEntry.objects.filter(is_active=True)
        .order_by("kind", "sort_order", "code")
        .values_list("kind", "pk")
    ):
        dictionaries.setdefault(kind, []).append(pk)
    rng = random.Random(seed)  # noqa: S311  (reproducible sample data, not secrets)
    threaded = parallel and connection.vendor == "postgresql" and not connection.in_atomic_block
    ctx = SeedContext(
        rng=rng,
        owners=owners,
        dictionaries=dictionaries,
        now=timezone.now(),
        batch_size=batch_size,
        writer=BatchWriter(threaded=threaded),
    )
    try:
        for name, seeder in registered_seeders():
            step = time.perf_counter()
            seeder(ctx, customers)
            if progress:
                progress(f"{name}: {ctx.counts} generated in {time.perf_counter() - step:.1f}s")
    finally:
        try:
            ctx.writer.close()
        finally:
            for end_step in ctx.end_steps:
                end_step()
    return SeedReport(counts=dict(ctx.counts), seconds=time.perf_counter() - started)
