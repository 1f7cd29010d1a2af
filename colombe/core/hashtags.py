import re
import unicodedata

from colombe.core.models import Hashtag

HASHTAG_RE = re.compile(r"#?([\w-]{2,60})", re.UNICODE)


def normalise_hashtag(raw: str) -> str:
    """'#Désarmement ' -> 'désarmement': one spelling per interest, accents kept."""
    return unicodedata.normalize("NFC", raw.strip().lstrip("#")).lower()


def parse_hashtags(text: str) -> list[str]:
    """Split free text ('#paix, désarmement climat') into normalised names, in order."""
    seen: list[str] = []
    for match in HASHTAG_RE.finditer(text or ""):
        name = normalise_hashtag(match.group(1))
        if name and name not in seen:
            seen.append(name)
    return seen


def get_or_create_hashtags(names: list[str]) -> list[Hashtag]:
    return [Hashtag.objects.get_or_create(name=name)[0] for name in names]
