"""CSV downloads that open safely in spreadsheets: streamed line by line, in the layout
Excel in French expects, with every cell defused against formula injection."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel in French expects semicolons, and a byte-order mark to read UTF-8 accents.
DELIMITER = ";"
BYTE_ORDER_MARK = "\ufeff"


def safe_cell(value: Any) -> str:
    """The text of a cell, defused: a leading apostrophe makes spreadsheets show a
    would-be formula as plain text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=DELIMITER)
    yield BYTE_ORDER_MARK + writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])
