"""The French translation of the groups app is complete and compiled."""

import re
from pathlib import Path

from django.utils import translation

import colombe.groups

LOCALE = Path(colombe.groups.__file__).parent / "locale" / "fr" / "LC_MESSAGES"


def po_entries() -> list[str]:
    return (LOCALE / "django.po").read_text().split("\n\n")[1:]  # after the header


def test_every_message_is_translated() -> None:
    untranslated = [
        entry
        for entry in po_entries()
        if re.search(r'^msgstr(\[\d\])? ""$', entry, re.MULTILINE)
        and not re.search(r'^msgstr(\[\d\])? ""\n"', entry, re.MULTILINE)
    ]
    assert untranslated == []


def test_no_translation_is_fuzzy() -> None:
    assert [entry for entry in po_entries() if "#, fuzzy" in entry] == []


def test_compiled_catalogue_has_the_latest_messages() -> None:
    with translation.override("fr"):
        assert translation.gettext("Show this message again") == "Afficher à nouveau ce message"
