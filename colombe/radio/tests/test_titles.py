"""Titles shown to listeners cannot break the stream's ``StreamTitle='…';`` field."""

import pytest

from colombe.radio.streaming.titles import listener_title


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Assemblée « Paix »", "Assemblée « Paix »"),
        ("l'été ; débat", "l'été ; débat"),  # a quote or a semicolon alone is harmless
        ("Paix';StreamUrl='https://x", "Paix' ;StreamUrl='https://x"),
        ("a';';b", "a' ;' ;b"),
        ("  deux\n lignes\t ", "deux lignes"),
    ],
)
def test_a_title_is_one_line_that_never_holds_the_field_end(text: str, shown: str) -> None:
    assert listener_title(text) == shown
    assert "';" not in listener_title(text)
