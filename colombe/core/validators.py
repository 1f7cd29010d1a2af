"""Validators shared by the apps' forms."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def single_line(value: str) -> None:
    """A subject or a name becomes an email header: no line break, no control
    character (the outbox would refuse to build the message)."""
    if CONTROL_CHARACTERS.search(value or ""):
        raise ValidationError(_("Write it on one line."), code="line_break")
