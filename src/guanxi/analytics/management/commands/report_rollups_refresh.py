"""``guanxi manage report_rollups_refresh``: rebuild the reports' rollups now (what the
``analytics.*`` jobs do on their schedule), e.g. after an import or an upgrade."""

from django.core.management.base import BaseCommand

from guanxi.analytics.rollups_daily import refresh_day_facts
from guanxi.analytics.rollups_ranking import refresh_revenue_rankings


class Command(BaseCommand):
    help = "Rebuild the reports' rollups (day figures, revenue rankings) now."

    def handle(self, *args, **options):
        refresh = refresh_day_facts()
        self.stdout.write(f"day figures: up to {refresh.covers_through}")
        self.stdout.write(f"revenue rankings: {refresh_revenue_rankings()} periods")
