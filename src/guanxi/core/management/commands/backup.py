"""``guanxi backup``: write a backup archive (database, documents, manifest)."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from guanxi.core import backup


class Command(BaseCommand):
    help = "Write a backup archive: the database, the uploaded documents and a manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--to",
            dest="directory",
            metavar="DIR",
            help="Directory for the archive (default: GUANXI_BACKUP_DIR, <data dir>/backups).",
        )

    def handle(self, *, directory: str | None, **options) -> None:
        try:
            archive = backup.create_backup(directory)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        manifest = archive.manifest
        self.stdout.write(str(archive.path))
        self.stdout.write(
            _(
                "Backup written. Tables: %(tables)d, rows: %(rows)d, document files: "
                "%(files)d, size: %(size)s."
            )
            % {
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["tables"].values()),
                "files": manifest["documents"]["files"],
                "size": filesizeformat(archive.path.stat().st_size),
            }
        )
        for note in archive.notes:
            self.stdout.write(note)
        if not manifest["documents"]["included"]:
            self.stderr.write(
                _("The documents storage is not a local directory: back it up with its own tools.")
            )
