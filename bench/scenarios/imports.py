"""Import scenario: the dry run of a 1,000-row customer file (nothing is written but the job).

The full 100,000-row check and commit is ``python -m bench import`` (bench/imports.py), which
needs a database of its own because it adds customers.
"""

from functools import cache

from bench.scenarios import python

ROWS = 1000


@cache
def _file() -> bytes:
    import tempfile
    from pathlib import Path

    from bench.imports import generate_file
    from guanxi.core.models import DictionaryEntry

    entries: dict[str, list[str]] = {}
    for kind, name in DictionaryEntry.objects.filter(is_active=True).values_list("kind", "name_zh"):
        entries.setdefault(kind, []).append(name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customers.csv"
        # Seed 1000: rows distinct from the generator's other runs.
        generate_file(path, rows=ROWS, seed=1000, owners=["manager1"], entries=entries)
        return path.read_bytes()


@python(
    "imports.check.1000.manager1",
    user="manager1",
    about="dry run of a 1,000-row CSV: parse, validate, duplicate lookups",
)
def check_thousand_rows(ctx, user) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guanxi.core.services.imports import import_job_create, import_job_validate

    upload = SimpleUploadedFile("customers.csv", _file())
    job = import_job_create(actor=user, entity="customers", upload=upload)
    job = import_job_validate(actor=user, job=job)
    if job.state != "validated":
        raise RuntimeError(job.error)
    job.file.delete(save=False)
    job.report_file.delete(save=False)
    job.delete()
