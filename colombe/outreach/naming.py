"""The naming convention of the movement's accounts, set by the communication group.

A ``NamingRule`` per kind of owner (local committee, working group…) holds a label
template and a description template with three placeholders:

- ``{movement}`` — the movement's name (``settings.OUTREACH_MOVEMENT_NAME``),
- ``{name}`` — the name of the structure that owns the account,
- ``{place}`` — the name of that structure's territory.

An account *follows the convention* when its label equals the filled-in template once
both are normalised (``normalise_label``):

- Unicode NFC, so "é" typed as one character or as "e" + accent is the same letter;
- any run of white space is one space, none at either end;
- the dash separators (em dash U+2014, en dash U+2013, and a hyphen between spaces)
  are the same separator: phones and some networks cannot type an em dash, and a
  reader does not tell them apart;
- the typographic apostrophe (U+2019) and the straight one are the same, for the same
  reason ("Comité d'Aix").

The comparison is **case-sensitive**: capitals are part of what readers see ("COLOMBE
LYON" does not look like "Colombe — Comité de Lyon"), and the convention exists to make
the labels look alike, so a difference of case is a difference worth fixing.

An account whose owner's kind has no rule follows the convention: there is nothing to
compare it with.
"""

import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from colombe.movement.models import Structure
from colombe.outreach.models import NamingRule, SocialAccount

PLACEHOLDERS = ("movement", "name", "place")

WHITE_SPACE = re.compile(r"\s+")
# An em dash, an en dash, or a hyphen with a space on each side, with the spaces around.
SEPARATOR = re.compile(r"\s*[—–]\s*|\s+-\s+")
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


class InvalidTemplate(ValueError):
    """A template that cannot be filled in; the message says why, for a form error."""


def normalise_label(text: str) -> str:
    """The form in which two labels are compared (see the module's docstring)."""
    text = unicodedata.normalize("NFC", text).translate(APOSTROPHES)
    text = WHITE_SPACE.sub(" ", text).strip()
    return SEPARATOR.sub(" — ", text)


def template_parts(template: str) -> list[tuple[str, str | None]]:
    """The template as (literal text, placeholder or None) pairs, or InvalidTemplate."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise InvalidTemplate(
            _(
                "A brace is not closed or not opened. Write placeholders as {name}; "
                "for a brace itself, write it twice: {{ or }}."
            )
        ) from error
    parts: list[tuple[str, str | None]] = []
    for literal, field, format_spec, conversion in parsed:
        if field is not None:
            check_placeholder(field, format_spec, conversion)
        parts.append((literal, field))
    return parts


def check_placeholder(field: str, format_spec: str | None, conversion: str | None) -> None:
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    if field not in PLACEHOLDERS or format_spec or conversion:
        written = "{" + field + (f"!{conversion}" if conversion else "")
        written += (f":{format_spec}" if format_spec else "") + "}"
        raise InvalidTemplate(
            _("%(placeholder)s is not a placeholder Colombe knows. Use %(known)s.")
            % {"placeholder": written, "known": known}
        )


def validate_template(template: str) -> None:
    """For form fields: a ValidationError saying what is wrong with the template."""
    try:
        template_parts(template)
    except InvalidTemplate as error:
        raise ValidationError(str(error), code="invalid_template") from error


def placeholder_values(structure: Structure) -> dict[str, str]:
    return {
        "movement": str(settings.OUTREACH_MOVEMENT_NAME),
        "name": structure.name,
        "place": structure.territory.name,
    }


def fill(template: str, structure: Structure) -> str:
    """The template with the structure's values. Only the three placeholders are
    replaced (no attribute access or formatting, unlike ``str.format``)."""
    values = placeholder_values(structure)
    return "".join(
        literal + (values[field] if field is not None else "")
        for literal, field in template_parts(template)
    )


@dataclass(frozen=True)
class Nonconformity:
    account: SocialAccount
    suggested_label: str


class Convention:
    """The rules read once, to check many accounts. Select the accounts with
    ``owner__territory`` to check them without a query each."""

    def __init__(self, rules: Iterable[NamingRule] | None = None) -> None:
        chosen = NamingRule.objects.all() if rules is None else rules
        self.rules = {rule.owner_kind: rule for rule in chosen}

    def rule_for(self, structure: Structure) -> NamingRule | None:
        return self.rules.get(structure.kind)

    def expected_label(self, account: SocialAccount) -> str | None:
        """The label the convention gives, or None without a rule (or with a broken
        one, saved before the checks existed: it suggests nothing)."""
        rule = self.rule_for(account.owner)
        return None if rule is None else filled_or_none(rule.label_template, account.owner)

    def expected_bio(self, account: SocialAccount) -> str | None:
        rule = self.rule_for(account.owner)
        if rule is None or not rule.bio_template.strip():
            return None
        return filled_or_none(rule.bio_template, account.owner)

    def conforms(self, account: SocialAccount) -> bool:
        expected = self.expected_label(account)
        return expected is None or normalise_label(account.label) == normalise_label(expected)

    def non_conforming(self, accounts: Iterable[SocialAccount]) -> list[Nonconformity]:
        found = []
        for account in accounts:
            expected = self.expected_label(account)
            if expected is not None and not self.conforms(account):
                found.append(Nonconformity(account, expected))
        return found


def filled_or_none(template: str, structure: Structure) -> str | None:
    try:
        return fill(template, structure)
    except InvalidTemplate:
        return None


def expected_label(account: SocialAccount) -> str | None:
    return Convention().expected_label(account)


def expected_bio(account: SocialAccount) -> str | None:
    return Convention().expected_bio(account)


def conforms(account: SocialAccount) -> bool:
    return Convention().conforms(account)


def non_conforming(accounts: Iterable[SocialAccount]) -> list[Nonconformity]:
    return Convention().non_conforming(accounts)
