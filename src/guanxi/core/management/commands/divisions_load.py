"""``guanxi divisions_load``: bring the administrative divisions up to the installed data
package (after upgrading it); the migration loads them on a fresh database."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.models import DictionaryEntry, Division, ProvinceRegion
from guanxi.core.seed.divisions import divisions_load, province_regions_seed


class Command(BaseCommand):
    help = (
        "Add the divisions (GB/T 2260) missing from the table and rename changed ones; a new "
        "province gets its usual sales region. Existing records are not touched."
    )

    def handle(self, **options) -> None:
        with transaction.atomic():
            added = divisions_load(Division)
            province_regions_seed(Division, ProvinceRegion, DictionaryEntry)
        self.stdout.write(
            _("Divisions added: %(added)d; in all: %(total)d.")
            % {"added": added, "total": Division.objects.count()}
        )
