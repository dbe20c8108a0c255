"""``guanxi restore ARCHIVE``: put a backup archive's database and documents back."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import ngettext

from guanxi.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive made by 'guanxi backup'. Refuses a database that holds "
        "user accounts unless --force is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="The .tar.gz archive to restore.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data, and its documents.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive's files against its manifest; change nothing.",
        )

    def handle(self, *, archive: str, force: bool, check: bool, **options) -> None:
        try:
            if check:
                manifest = backup.verify_backup(archive)
                notes: list[str] = []
            else:
                report = backup.restore_backup(archive, force=force)
                manifest, notes = report.manifest, report.notes
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        created = parse_datetime(manifest["created_at"])
        files = len(manifest["files"])
        values = {
            "archive": archive,
            "created": timezone.localtime(created).strftime("%Y-%m-%d %H:%M") if created else "?",
            "version": manifest["guanxi_version"],
            "files": files,
        }
        if check:
            message = ngettext(
                "%(archive)s is intact (made %(created)s by Guanxi %(version)s): its "
                "%(files)d file matches its checksum.",
                "%(archive)s is intact (made %(created)s by Guanxi %(version)s): its "
                "%(files)d files match their checksums.",
                files,
            )
        else:
            message = ngettext(
                "Restored %(archive)s (made %(created)s by Guanxi %(version)s): %(files)d "
                "file matches its checksum and every table has its row count.",
                "Restored %(archive)s (made %(created)s by Guanxi %(version)s): %(files)d "
                "files match their checksums and every table has its row count.",
                files,
            )
        self.stdout.write(message % values)
        for note in notes:
            self.stdout.write(note)
