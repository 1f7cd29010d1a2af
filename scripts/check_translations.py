#!/usr/bin/env python3
"""Fails when a French catalogue has an untranslated or fuzzy entry, or when a source
file has strings missing from its catalogue (makemessages would add them)."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = re.compile(
    r"(?P<comments>(?:^#.*\n)*)"
    r'^msgid (?P<id>(?:".*"\n)+)'
    r'(?:^msgid_plural .*\n(?:".*"\n)*)?'
    r'(?P<str>(?:^msgstr(?:\[\d\])? (?:".*"\n)+)+)',
    re.M,
)


def unquote(block: str) -> str:
    return "".join(re.findall(r'"(.*)"', block))


def problems(po_file: Path) -> list[str]:
    found = []
    for match in ENTRY.finditer(po_file.read_text()):
        msgid = unquote(match.group("id"))
        if not msgid:
            continue
        # The flags line ("#, fuzzy, python-format") may follow reference lines ("#: …").
        if re.search(r"^#,.*\bfuzzy\b", match.group("comments"), re.M):
            found.append(f"fuzzy: {msgid!r}")
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n)+)', match.group("str"), re.M)
        if any(not unquote(s) for s in strings):
            found.append(f"untranslated: {msgid!r}")
    return found


def refreshed_catalogue(po_file: Path, workdir: Path) -> Path:
    """Copy the catalogue's source folder aside and run makemessages there, so strings
    added to the code but not to the catalogue show up as untranslated."""
    source_dir = po_file.parents[3]
    copy = workdir / source_dir.relative_to(ROOT)
    ignore = shutil.ignore_patterns("__pycache__", "*.mo")
    shutil.copytree(source_dir, copy, ignore=ignore)
    command = [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-obsolete"]
    if source_dir.name == "colombe":  # the project folder: only its own templates and settings
        command += ["-i", "core/*", "-i", "accounts/*", "-i", "movement/*", "-i", "groups/*"]
        command += [f"-i={p.name}/*" for p in source_dir.iterdir() if (p / "apps.py").exists()]
    command += ["-i", "tests/*"]
    subprocess.run(command, cwd=copy, check=True, capture_output=True)
    return copy / "locale/fr/LC_MESSAGES/django.po"


def main() -> int:
    catalogues = sorted(ROOT.glob("colombe/**/locale/fr/LC_MESSAGES/django.po"))
    if not catalogues:
        print("No French catalogue found.")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for number, po_file in enumerate(catalogues):
            workdir = Path(tmp) / str(number)
            for problem in problems(refreshed_catalogue(po_file, workdir)):
                print(f"{po_file.relative_to(ROOT)}: {problem}")
                failures += 1
    print(f"{len(catalogues)} catalogues checked, {failures} problem(s).")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
