#!/usr/bin/env python
"""Translations: `check` (the default, run by `make lint`) or `update`.

check:  extracts the messages the code uses now and fails if any has no Chinese translation in
        locale/zh_Hans/LC_MESSAGES/django.po (or only a fuzzy one). The .po file is left untouched.
update: runs makemessages and fills empty entries from the fragments in locale/parts/*.po.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES = [
    sys.executable,
    "manage.py",
    "makemessages",
    "-l",
    "zh_Hans",
    "--no-obsolete",
    "--no-location",
    "--ignore=.venv/*",
    "--ignore=node_modules/*",
    "--ignore=tests/*",
    "--ignore=staticfiles/*",
    "-v",
    "0",
]


def key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def translated(entry):
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def extract() -> polib.POFile:
    PO.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(MAKEMESSAGES, cwd=ROOT, check=True)
    return polib.pofile(str(PO))


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        backup = Path(tmp) / "django.po"
        existed = PO.exists()
        if existed:
            shutil.copy2(PO, backup)
        try:
            fresh = extract()
        finally:
            if existed:
                shutil.copy2(backup, PO)
            else:
                PO.unlink(missing_ok=True)
    committed = {key(e): e for e in polib.pofile(str(PO))} if existed else {}
    missing = [e for e in fresh if not (key(e) in committed and translated(committed[key(e)]))]
    for entry in missing:
        print(f"untranslated: {entry.msgid!r}")
    print(f"translations: {len(fresh) - len(missing)} of {len(fresh)} messages have Chinese text")
    return 1 if missing else 0


def update() -> int:
    parts = {}
    for part in sorted((ROOT / "locale" / "parts").glob("*.po")):
        for entry in polib.pofile(str(part)):
            if translated(entry):
                parts[key(entry)] = entry
    po = extract()
    filled = 0
    for entry in po:
        source = parts.get(key(entry))
        if source and not translated(entry):
            entry.msgstr = source.msgstr
            entry.msgstr_plural = source.msgstr_plural
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.save()
    left = [e.msgid for e in po if not translated(e)]
    print(f"filled {filled} from locale/parts; {len(left)} still untranslated")
    for msgid in left:
        print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(update() if sys.argv[1:] == ["update"] else check())
