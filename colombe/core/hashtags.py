"""Hashtags: parsing free text, folding spellings together, finding and creating them.

``#Désarmement``, ``#desarmement`` and ``#DÉSARMEMENT`` are one hashtag. Each is stored
once, under a folded key (no accents, no case) that is unique, with the display spelling
it was first seen with (lower case, accents kept)."""

import re
import unicodedata

from django.db import IntegrityError, transaction

from colombe.core.models import Hashtag, fold_hashtag

# In a hashtags field the '#' is optional ("#paix, désarmement").
HASHTAG_RE = re.compile(r"#?([\w-]{2,60})", re.UNICODE)
# In running text it is required, and not after a letter, '&' (an entity), '#' or '/' (a
# URL fragment).
TEXT_HASHTAG_RE = re.compile(r"(?<![\w&#/])#([\w-]{2,60})", re.UNICODE)

__all__ = [
    "HASHTAG_RE",
    "TEXT_HASHTAG_RE",
    "find_hashtag",
    "fold_hashtag",
    "get_or_create_hashtags",
    "hashtags_in_text",
    "is_hashtag_word",
    "normalise_hashtag",
    "parse_hashtags",
]


def normalise_hashtag(raw: str) -> str:
    """'#Désarmement ' -> 'désarmement': the display spelling, accents kept."""
    return unicodedata.normalize("NFC", raw.strip().lstrip("#")).lower()


def parse_hashtags(text: str) -> list[str]:
    """Split free text ('#paix, désarmement climat') into display names, in order; two
    spellings of one hashtag count once (the first one wins)."""
    names: list[str] = []
    keys: set[str] = set()
    for match in HASHTAG_RE.finditer(text or ""):
        name = normalise_hashtag(match.group(1))
        key = fold_hashtag(name)
        if key and key not in keys:
            keys.add(key)
            names.append(name)
    return names


def is_hashtag_word(name: str) -> bool:
    """A hashtag has a letter: "#1" or "#2026" in a text are not hashtags."""
    return any(char.isalpha() for char in name)


def hashtags_in_text(text: str) -> list[str]:
    """The '#words' of running text (a petition, a meeting's agenda), as display names."""
    words = [name for name in TEXT_HASHTAG_RE.findall(text or "") if is_hashtag_word(name)]
    return parse_hashtags(" ".join(words))


def find_hashtag(raw: str) -> Hashtag | None:
    """The hashtag written ``raw`` in any spelling, or None."""
    key = fold_hashtag(raw)
    return Hashtag.objects.filter(key=key).first() if key else None


def _get_or_create(name: str) -> Hashtag:
    key = fold_hashtag(name)
    existing = Hashtag.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        # A savepoint: another request may create the same hashtag at the same moment.
        with transaction.atomic():
            return Hashtag.objects.create(name=name, key=key)
    except IntegrityError:
        return Hashtag.objects.get(key=key)


def get_or_create_hashtags(names: list[str]) -> list[Hashtag]:
    """The hashtags for these names, creating the missing ones; existing hashtags keep the
    spelling they were first seen with."""
    tags: list[Hashtag] = []
    for name in names:
        tag = _get_or_create(normalise_hashtag(name))
        if tag not in tags:
            tags.append(tag)
    return tags
