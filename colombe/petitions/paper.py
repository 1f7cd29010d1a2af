"""Paper signatures from the field: the printable sheet, and reading filled sheets back.

The sheet is a PDF (WeasyPrint) with the petition's text, a QR code to the online page and
empty rows to fill in by hand. Filled sheets come back typed into a spreadsheet (CSV or
XLSX): this module reads the file, recognises its columns by their French or English
headers and hands clean rows to ``services.import_paper``, which deduplicates and stores
them."""

import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import segno
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from colombe.petitions.models import Petition

SHEET_ROWS = 20
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Beyond this a file is surely not typed-in paper sheets; it also bounds the import time.
MAX_ROWS = 5000
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
EXTENSIONS = ("csv", "xlsx")

# The fields a paper row may carry, with the headers recognised for each (compared without
# accents, case, spaces or punctuation: "Code postal", "code_postal" and "CODE POSTAL" are
# the same header).
FIELDS = ("first_name", "last_name", "email", "postcode", "town")
FIELD_LABELS = {
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("Email"),
    "postcode": gettext_lazy("Postcode"),
    "town": gettext_lazy("Town"),
}
HEADER_ALIASES = {
    "first_name": ("prénom", "prenom", "first name", "firstname", "given name"),
    "last_name": ("nom", "nom de famille", "last name", "lastname", "surname", "family name"),
    "email": ("e-mail", "email", "courriel", "mail", "adresse e-mail", "email address"),
    "postcode": ("code postal", "cp", "postcode", "postal code", "zip", "zip code"),
    "town": ("ville", "commune", "town", "city"),
}
REQUIRED_FIELDS = ("first_name", "last_name")


def header_key(header: str) -> str:
    """A header reduced to lower-case letters and digits, without accents."""
    decomposed = unicodedata.normalize("NFKD", header)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]", "", without_accents.lower())


HEADER_FIELDS = {
    header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases
}


# The printable sheet -------------------------------------------------------------------


def qr_code_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def sheet_columns(petition: Petition) -> list[str]:
    columns = [_("First name"), _("Last name"), _("Email (optional)")]
    if petition.collect_postcode:
        columns += [_("Postcode"), _("Town")]
    if petition.collect_country:
        columns.append(_("Country"))
    return columns


def inline_only_fetcher() -> Any:
    """The sheet is self-contained (its QR code is a data: URI): WeasyPrint must never
    fetch a URL that a petition's text could point to."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def sheet_html(petition: Petition, online_url: str) -> str:
    """``online_url`` is printed as is; the QR code adds ``?source=qr`` so that the
    statistics tell how many signed from a sheet's code."""
    context = {
        "petition": petition,
        "online_url": online_url,
        "qr_code": qr_code_data_uri(f"{online_url}?source=qr"),
        "columns": sheet_columns(petition),
        "rows": range(SHEET_ROWS),
    }
    return render_to_string("petitions/pdf/sheet.html", context)


def sheet_pdf(petition: Petition, online_url: str) -> bytes:
    # Imported here: WeasyPrint takes a while to load, and only this page needs it.
    from weasyprint import HTML

    html = HTML(string=sheet_html(petition, online_url), url_fetcher=inline_only_fetcher())
    return html.write_pdf() or b""


# Reading filled sheets -----------------------------------------------------------------


@dataclass
class ParsedSheet:
    """Rows ready for ``services.import_paper``, with the spreadsheet's own row number of
    each (the header is row 1), so that reports point at the line people see."""

    rows: list[dict[str, str]] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    # Header as written in the file → field it was read as.
    recognised: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def file_extension(upload: UploadedFile) -> str:
    name = os.path.basename(upload.name or "")
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_paper_upload(upload: UploadedFile) -> str:
    """Refuse a file that is too large, of another type, or whose content does not match
    its extension; return the extension."""
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            code="too_large",
        )
    extension = file_extension(upload)
    if extension not in EXTENSIONS:
        raise ValidationError(_("Please send a CSV or XLSX file (.csv or .xlsx)."), code="bad_type")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    looks_right = is_xlsx(upload) if extension == "xlsx" else is_text(head)
    if not looks_right:
        raise ValidationError(
            _("The content of this file does not match its extension (.%(ext)s).")
            % {"ext": extension},
            code="bad_content",
        )
    return extension


def is_text(head: bytes) -> bool:
    return b"\x00" not in head and not head.startswith((b"PK\x03\x04", b"MZ", b"\x7fELF", b"%PDF"))


def is_xlsx(upload: UploadedFile) -> bool:
    """A zip with the parts of a workbook, and not a "zip bomb" that would unpack into
    far more than a spreadsheet of paper signatures."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)
    names = {entry.filename for entry in entries}
    unpacked = sum(entry.file_size for entry in entries)
    return (
        "[Content_Types].xml" in names
        and "xl/workbook.xml" in names
        and unpacked <= MAX_XLSX_UNPACKED_BYTES
    )


def decode_text(data: bytes) -> str:
    """Spreadsheets save CSV as UTF-8 (often with a byte-order mark) or, in French
    Windows, as Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def csv_table(upload: UploadedFile) -> Iterator[list[Any]]:
    text = decode_text(upload.read())
    first_line = text.split("\n", 1)[0]
    # French spreadsheets write semicolons, others commas or tabs: the header tells which.
    delimiter = max(";,\t", key=first_line.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def xlsx_table(upload: UploadedFile) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors on a broken file
        raise ValidationError(
            _("This spreadsheet could not be read. Please check the file."), code="bad_content"
        ) from error
    sheet = workbook.worksheets[0]
    return (list(row) for row in sheet.iter_rows(values_only=True))


def cell_text(value: Any, name: str) -> str:
    """A spreadsheet cell as text. Spreadsheets turn postcodes into numbers and drop the
    leading zero of "01000": a four-digit number in the postcode column gets it back."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and name == "postcode" and 1000 <= value <= 9999:
        return f"{value:05d}"
    return str(value).strip()


def map_headers(headers: list[Any], parsed: ParsedSheet) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, header in enumerate(headers):
        label = cell_text(header, "")
        name = HEADER_FIELDS.get(header_key(label))
        if name and name not in columns.values():
            columns[index] = name
            parsed.recognised[label] = name
        elif label:
            parsed.ignored.append(label)
    missing = [FIELD_LABELS[name] for name in REQUIRED_FIELDS if name not in columns.values()]
    if missing:
        raise ValidationError(
            _(
                "The first row must name the columns. Missing: %(missing)s. "
                "Recognised headers: %(headers)s."
            )
            % {"missing": ", ".join(str(label) for label in missing), "headers": known_headers()},
            code="missing_columns",
        )
    return columns


def known_headers() -> str:
    return "; ".join(
        f"{FIELD_LABELS[name]}: " + ", ".join(f"“{alias}”" for alias in aliases)
        for name, aliases in HEADER_ALIASES.items()
    )


def read_rows(table: Iterable[list[Any]]) -> ParsedSheet:
    parsed = ParsedSheet()
    lines = iter(table)
    headers = next(lines, None)
    if headers is None:
        raise ValidationError(_("This file is empty."), code="empty")
    columns = map_headers(list(headers), parsed)
    for line_number, cells in enumerate(lines, start=2):
        row = {name: "" for name in FIELDS}
        for index, name in columns.items():
            if index < len(cells):
                row[name] = cell_text(cells[index], name)
        if not any(row.values()):
            continue  # an empty line between sheets
        if len(parsed.rows) >= MAX_ROWS:
            raise ValidationError(
                _("This file has more than %(limit)s rows. Please split it.") % {"limit": MAX_ROWS},
                code="too_many_rows",
            )
        parsed.rows.append(row)
        parsed.line_numbers.append(line_number)
    if not parsed.rows:
        raise ValidationError(_("This file has no signature under its headers."), code="empty")
    return parsed


def parse_upload(upload: UploadedFile) -> ParsedSheet:
    """Check and read an uploaded CSV or XLSX file of paper signatures."""
    extension = check_paper_upload(upload)
    table = xlsx_table(upload) if extension == "xlsx" else csv_table(upload)
    try:
        return read_rows(table)
    except csv.Error as error:
        raise ValidationError(
            _("This CSV file could not be read: %(error)s") % {"error": error},
            code="bad_content",
        ) from error
