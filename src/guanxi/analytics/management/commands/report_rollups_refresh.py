"""``guanxi manage report_rollups_refresh``: rebuild the reports' rollups now (what the
``analytics.*`` jobs do on their schedule), e.g. after an import or an upgrade."""

from django.core.management.base import BaseCommand

from guanxi.analytics.services.rollups import day_facts_refresh, revenue_rankings_refresh


class Command(BaseCommand):
    help = "Rebuild the reports' rollups (day figures, revenue rankings) now."

    def handle(self, *args, **options):
        refresh = day_facts_refresh()
        self.stdout.write(f"day figures: up to {refresh.covers_through}")
        self.stdout.write(f"revenue rankings: {revenue_rankings_refresh()} periods")
