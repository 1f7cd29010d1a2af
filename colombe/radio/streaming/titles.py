"""Text that reaches listeners' players as "now playing".

Icecast writes the title into an MP3 stream as ``StreamTitle='<title>';`` and players cut
it at the first ``';``: a title holding that pair would lose its end, or smuggle in a field
of its own. Every title Colombe hands to Liquidsoap goes through ``listener_title``."""

ICY_FIELD_END = "';"


def listener_title(text: str) -> str:
    """``text`` on one line (whitespace runs, line breaks included, become one space),
    with any ``';`` split by a space so that it cannot end the stream's title field."""
    one_line = " ".join(text.split())
    return one_line.replace(ICY_FIELD_END, "' ;")  # the space added makes no new pair
