"""Text that goes into the podcast feed. XML 1.0 cannot carry most control characters
(lxml refuses to build a document holding one), yet a title pasted from elsewhere may
bring one along: the forms refuse them, the feed leaves them out."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What XML 1.0 does not allow: control characters other than tab, line feed and carriage
# return, lone surrogates, and the non-characters U+FFFE and U+FFFF.
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return NOT_IN_XML.sub("", text)


def fits_in_xml(value: str) -> None:
    """For a text of several lines (a description): line breaks and tabs are welcome,
    other control characters are refused (titles use ``core.validators.single_line``)."""
    if NOT_IN_XML.search(value or ""):
        raise ValidationError(
            _("Remove the invisible control characters from this text."),
            code="control_character",
        )
