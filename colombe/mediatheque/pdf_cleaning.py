"""Press articles uploaded as PDF lose their metadata before they are stored.

A scan or an export names its author, the software and the machine that made it, and the
photos inside often carry the camera's EXIF block (model, date, GPS position). Images
uploaded on their own are re-encoded for the same reason (``colombe.groups.uploads``).
Rewritten here: the document information dictionary, every XMP ``/Metadata`` stream and
``/PieceInfo`` private data (on the catalogue, pages, images, fonts…), and the metadata
segments of embedded JPEG images (kept: the segments a viewer needs to draw them)."""

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

METADATA_KEYS = ("/Metadata", "/PieceInfo")
# A JPEG image's filter, alone or as a one-element array (both mean the same).
JPEG_FILTERS = ("/DCTDecode", ["/DCTDecode"])
# JPEG markers. APP0 (JFIF) and APP14 (Adobe: says how colours are stored) are needed to
# draw the image; APP1 (EXIF, XMP), the other APPn and comments are metadata.
START_OF_IMAGE = b"\xff\xd8"
START_OF_SCAN = 0xDA
KEPT_APP_MARKERS = {0xE0, 0xEE}
APP_MARKERS = range(0xE0, 0xF0)
COMMENT_MARKER = 0xFE
# Markers without a length field: TEM and the restart markers.
STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}


def pdf_without_metadata(upload: UploadedFile) -> bytes:
    """The PDF rewritten without its metadata; refuses what cannot be read or is locked."""
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if not reader.is_encrypted:
            return _rewritten(reader)
    # A damaged file makes pypdf raise its own errors, and plain ones of every kind
    # (IndexError, AttributeError, zlib.error…): any of them means "cannot be read".
    except Exception as exc:
        raise ValidationError(
            _("This PDF could not be read. Please check the file."), code="bad_content"
        ) from exc
    raise ValidationError(
        _("This PDF is protected by a password. Please upload a copy without protection."),
        code="encrypted_pdf",
    )


def _rewritten(reader: PdfReader) -> bytes:
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    _strip_objects(writer.root_object)
    # The metadata streams are no longer referenced, but the clone still holds them.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _strip_objects(root: DictionaryObject) -> None:
    """Walk every object reachable from the catalogue once (pages point back at their
    parents, so the walk remembers what it has seen)."""
    seen: set[int] = set()
    pending: list[Any] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            _strip_dictionary(item)
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)


def _strip_dictionary(dictionary: DictionaryObject) -> None:
    for key in METADATA_KEYS:
        dictionary.pop(NameObject(key), None)
    if isinstance(dictionary, StreamObject) and dictionary.get("/Filter") in JPEG_FILTERS:
        # A DCTDecode stream's encoded bytes are the JPEG file itself. The base class's
        # accessors read and write those bytes as they are: the encoded-stream subclass
        # would decode them, and refuses to write any filter but Flate.
        jpeg = StreamObject.get_data(dictionary)
        StreamObject.set_data(dictionary, jpeg_without_metadata(jpeg))


def jpeg_without_metadata(jpeg: bytes) -> bytes:
    """The JPEG without its EXIF/XMP/IPTC segments and comments; the compressed image is
    copied as it is (no re-encoding, no loss). Anything not laid out like a JPEG is
    returned unchanged: the viewer decides what to make of it."""
    if not jpeg.startswith(START_OF_IMAGE):
        return jpeg
    kept = bytearray(START_OF_IMAGE)
    position = len(START_OF_IMAGE)
    while position + 4 <= len(jpeg) and jpeg[position] == 0xFF:
        marker = jpeg[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in STANDALONE_MARKERS:
            kept += jpeg[position : position + 2]
            position += 2
            continue
        if marker == START_OF_SCAN:
            break
        segment_end = position + 2 + int.from_bytes(jpeg[position + 2 : position + 4], "big")
        if segment_end > len(jpeg):
            return jpeg
        if not _is_metadata(marker):
            kept += jpeg[position:segment_end]
        position = segment_end
    if position + 1 >= len(jpeg) or jpeg[position + 1] != START_OF_SCAN:
        return jpeg
    return bytes(kept + jpeg[position:])


def _is_metadata(marker: int) -> bool:
    return marker == COMMENT_MARKER or (marker in APP_MARKERS and marker not in KEPT_APP_MARKERS)
