"""Reads the text back out of a PDF written by WeasyPrint, for tests: neither pypdf nor
poppler's pdftotext is installed here, and a heavy dependency is not worth one check.

It understands what WeasyPrint writes (PDF 1.7, Flate streams, object streams, Type 0
fonts with a ToUnicode map, text shown with ``Tj``/``TJ``), not PDF in general."""

import re
import zlib
from dataclasses import dataclass

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream\s*$", re.S)
REFERENCE = rb"/%s\s+(\d+) 0 R"


@dataclass
class PdfObject:
    header: bytes
    stream: bytes | None = None


def _inflate(header: bytes, data: bytes) -> bytes:
    return zlib.decompress(data) if b"/FlateDecode" in header else data


def _parse(raw: bytes) -> PdfObject:
    match = STREAM.match(raw)
    if match is None:
        return PdfObject(raw)
    return PdfObject(match[1], _inflate(match[1], match[2]))


def _from_object_stream(stream_object: PdfObject) -> dict[int, PdfObject]:
    assert stream_object.stream is not None
    first_match = re.search(rb"/First (\d+)", stream_object.header)
    assert first_match is not None
    first = int(first_match[1])
    numbers = [int(n) for n in stream_object.stream[:first].split()]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
    body = stream_object.stream[first:]
    found = {}
    for index, (number, offset) in enumerate(pairs):
        end = pairs[index + 1][1] if index + 1 < len(pairs) else len(body)
        found[number] = PdfObject(body[offset:end])
    return found


def objects(pdf: bytes) -> dict[int, PdfObject]:
    found = {int(m[1]): _parse(m[2]) for m in OBJECT.finditer(pdf)}
    for pdf_object in list(found.values()):
        if b"/Type /ObjStm" in pdf_object.header:
            found.update(_from_object_stream(pdf_object))
    return found


def _unicode_map(cmap: bytes) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[code.decode().lower()] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            first = int(start, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[f"{code:0{len(low)}x}"] = chr(first + offset)
    return mapping


def _dictionary(found: dict[int, PdfObject], header: bytes, key: bytes) -> bytes:
    """The value of ``key``: an inline dictionary, or the referenced object's."""
    reference = re.search(REFERENCE % key, header)
    if reference is not None:
        return found[int(reference[1])].header
    inline = re.search(rb"/" + key + rb"\s*(<<.*?>>)", header, re.S)
    return inline[1] if inline else b""


def _fonts(found: dict[int, PdfObject], page: bytes) -> dict[bytes, dict[str, str]]:
    resources = _dictionary(found, page, b"Resources")
    fonts = _dictionary(found, resources, b"Font")
    maps = {}
    for name, number in re.findall(rb"/([A-Za-z0-9+_.-]+)\s+(\d+) 0 R", fonts):
        cmap_ref = re.search(REFERENCE % b"ToUnicode", found[int(number)].header)
        stream = found[int(cmap_ref[1])].stream if cmap_ref else None
        maps[name] = _unicode_map(stream or b"")
    return maps


SHOW_TEXT = re.compile(
    rb"/([A-Za-z0-9+_.-]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", re.S
)


def _page_text(content: bytes, fonts: dict[bytes, dict[str, str]]) -> str:
    lines = []
    current: dict[str, str] = {}
    for match in SHOW_TEXT.finditer(content):
        if match[1] is not None:
            current = fonts.get(match[1], {})
            continue
        hexes = re.findall(rb"<([0-9a-fA-F]*)>", match[2]) if match[2] is not None else [match[3]]
        codes = "".join(h.decode().lower() for h in hexes)
        lines.append("".join(current.get(codes[i : i + 4], "?") for i in range(0, len(codes), 4)))
    return "\n".join(lines)


def _pages(found: dict[int, PdfObject]) -> list[tuple[bytes, bytes]]:
    """(page dictionary, content stream) of each page, in reading order (the /Kids of
    the page tree, which WeasyPrint keeps flat)."""
    tree = next(o for o in found.values() if re.search(rb"/Type\s*/Pages\b", o.header))
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", tree.header)
    assert kids is not None
    pages = []
    for number in re.findall(rb"(\d+) 0 R", kids[1]):
        page = found[int(number)].header
        contents = re.search(REFERENCE % b"Contents", page)
        stream = found[int(contents[1])].stream if contents else None
        pages.append((page, stream or b""))
    return pages


def page_texts(pdf: bytes) -> list[str]:
    found = objects(pdf)
    return [_page_text(content, _fonts(found, page)) for page, content in _pages(found)]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def pages_with_images(pdf: bytes) -> list[int]:
    """Numbers (from 1) of the pages that draw an image (an XObject ``Do``)."""
    found = objects(pdf)
    drawn = [re.search(rb"/[A-Za-z0-9+_.-]+\s+Do\b", content) for _page, content in _pages(found)]
    return [number for number, draws in enumerate(drawn, start=1) if draws]


def image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of each image the PDF embeds."""
    sizes = []
    for pdf_object in objects(pdf).values():
        if b"/Subtype /Image" in pdf_object.header:
            width = re.search(rb"/Width (\d+)", pdf_object.header)
            height = re.search(rb"/Height (\d+)", pdf_object.header)
            if width and height:
                sizes.append((int(width[1]), int(height[1])))
    return sizes
