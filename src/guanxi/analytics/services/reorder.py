"""Re-order reminders 复购提醒: tell each owner about their customers whose next order (the
purchase cycle's due date) falls within ``IntelligenceSettings.reorder_notice_days``.

Once per due date: the score row keeps the due date its owner was reminded of
(``reorder_reminded_for``), so a daily run never reminds twice of one due date, and a new order
(a new due date) reminds again. Batched: each batch of customers is one read, one insert of
notifications and one update of the reminded dates.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.analytics.models import CustomerScore, IntelligenceSettings
from guanxi.analytics.notifications import REORDER_DUE
from guanxi.collaboration.services.notifications import notifications_send_many

BATCH = 2_000


def reorder_reminders_send(*, today: date | None = None, batch_size: int = BATCH) -> int:
    """Send the reminders due today; returns how many customers were reminded of."""
    today = today or timezone.localdate()
    notice = IntelligenceSettings.current().reorder_notice_days
    due = (
        CustomerScore.objects.filter(
            next_order_due__gte=today,
            next_order_due__lte=today + timedelta(days=notice),
            customer__owner__isnull=False,
            customer__deleted_at__isnull=True,
        )
        .filter(Q(reorder_reminded_for__isnull=True) | ~Q(reorder_reminded_for=F("next_order_due")))
        .order_by("customer_id")
    )
    reminded, after = 0, 0
    while True:
        batch = list(
            due.filter(customer_id__gt=after).values_list(
                "customer_id",
                "customer__name",
                "customer__owner_id",
                "cycle_days",
                "next_order_due",
            )[:batch_size]
        )
        if not batch:
            return reminded
        owners = User.objects.in_bulk({row[2] for row in batch})
        messages = [
            (
                owners.get(owner_id),
                {"name": name, "cycle_days": cycle, "due": str(day), "customer": pk},
                reverse("customers:detail", args=[pk]),
            )
            for pk, name, owner_id, cycle, day in batch
        ]
        with transaction.atomic():
            notifications_send_many(kind=REORDER_DUE, messages=messages)
            CustomerScore.objects.filter(customer_id__in=[row[0] for row in batch]).update(
                reorder_reminded_for=F("next_order_due")
            )
        reminded += len(batch)
        after = batch[-1][0]
