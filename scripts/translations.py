"""Keep the zh_Hans catalogue complete.

    python scripts/translations.py update [--drafts DIR]
        refresh the .po from the source, fill empty entries from JSON drafts, compile the .mo
    python scripts/translations.py check
        fail if a string lacks a translation, a placeholder differs, or the .mo is stale;
        changes nothing

The .mo is compiled with polib, so running Guanxi never needs gettext installed; only
extracting strings (makemessages) does.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "guanxi"
LOCALE_DIR = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"


def extract() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guanxi.settings"}
    env.setdefault("GUANXI_DATA_DIR", tempfile.mkdtemp(prefix="guanxi-i18n-"))
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "zh_Hans",
            "--no-obsolete",
            "--add-location",
            "file",
            "--ignore",
            "migrations/*",
            "--ignore",
            "static/*",
        ],
        cwd=PACKAGE,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def missing_entries(catalogue: polib.POFile) -> list[polib.POEntry]:
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            missing.append(entry)
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                missing.append(entry)
        elif not entry.msgstr:
            missing.append(entry)
    return missing


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdif]|%[sdif]|\{[a-z_]*\}")


def placeholder_mismatches(catalogue: polib.POFile) -> list[str]:
    """Translations that drop or invent a placeholder would crash or mislead at run time."""
    problems = []
    for entry in catalogue.translated_entries():
        source = entry.msgid_plural or entry.msgid
        expected = sorted(PLACEHOLDER.findall(source))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            if sorted(PLACEHOLDER.findall(translation)) != expected:
                problems.append(f"placeholders differ: {source!r} -> {translation!r}")
    return problems


def fill_from_drafts(catalogue: polib.POFile, drafts_dir: Path) -> int:
    drafts: dict[str, str] = {}
    for path in sorted(drafts_dir.glob("*.json")):
        drafts.update(json.loads(path.read_text(encoding="utf-8")))
    filled = 0
    for entry in catalogue:
        fuzzy = "fuzzy" in entry.flags
        # A draft for a message with a context is keyed "context\x04msgid", as gettext does.
        context = f"{entry.msgctxt}\x04" if entry.msgctxt else ""
        if entry.msgid_plural:
            # Chinese has one plural form: it is the plural sentence, with its placeholder.
            translation = drafts.get(context + entry.msgid_plural) or drafts.get(
                context + entry.msgid
            )
            if not translation or (all(entry.msgstr_plural.values()) and not fuzzy):
                continue
            entry.msgstr_plural = {0: translation}
        else:
            translation = drafts.get(context + entry.msgid)
            if not translation or (entry.msgstr and not fuzzy):
                continue
            entry.msgstr = translation
        filled += 1
        if fuzzy:
            entry.flags.remove("fuzzy")
            # A previous context left without its previous msgid is a syntax error to msgmerge.
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return filled


def compiled(catalogue: polib.POFile) -> dict:
    table = {}
    for entry in catalogue.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        table[key] = dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
    return table


def update(drafts_dir: Path | None) -> int:
    extract()
    catalogue = polib.pofile(str(PO_PATH))
    catalogue.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    catalogue.metadata["Language"] = "zh_Hans"
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    if drafts_dir:
        print(f"filled {fill_from_drafts(catalogue, drafts_dir)} entries from drafts")
    catalogue.save()
    catalogue.save_as_mofile(str(MO_PATH))
    missing = missing_entries(catalogue)
    for entry in missing:
        print(f"untranslated: {entry.msgid!r} ({entry.occurrences[:1]})")
    for problem in placeholder_mismatches(catalogue):
        print(problem)
    return 0


def check() -> int:
    if not PO_PATH.exists():
        print(f"missing catalogue {PO_PATH}")
        return 1
    committed = PO_PATH.read_bytes()
    committed_mo = polib.mofile(str(MO_PATH)) if MO_PATH.exists() else None
    try:
        extract()
        catalogue = polib.pofile(str(PO_PATH))
    finally:
        PO_PATH.write_bytes(committed)
    problems = [
        f"untranslated: {entry.msgid!r} in {entry.occurrences[:1]}"
        for entry in missing_entries(catalogue)
    ]
    problems += placeholder_mismatches(catalogue)
    if committed_mo is None or compiled(polib.pofile(str(PO_PATH))) != compiled(committed_mo):
        problems.append("django.mo is stale: run `make messages`")
    for problem in problems:
        print(problem)
    print("zh_Hans catalogue complete" if not problems else f"{len(problems)} translation problems")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    update_parser = commands.add_parser("update")
    update_parser.add_argument("--drafts", type=Path)
    commands.add_parser("check")
    args = parser.parse_args()
    if shutil.which("xgettext") is None:
        print("xgettext not found: install Debian's gettext package (scripts/system-deps.sh)")
        return 1
    return update(args.drafts) if args.command == "update" else check()


if __name__ == "__main__":
    sys.exit(main())
