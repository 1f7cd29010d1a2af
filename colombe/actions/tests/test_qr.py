"""The QR code on a leaflet leads where it should.

No QR decoder is installed here (zxing-cpp, pyzbar/libzbar, zbarimg) and no rasteriser for
the PDF: the test reads the vector code WeasyPrint draws — the SVG in the document it lays
out — back into its grid of modules and decodes it with the small reader below (ISO/IEC
18004, versions 1 to 10, level M as the sheets use, byte mode; no error correction
needed on a clean grid). The reader shares nothing with segno, which draws the code."""

import re
from typing import Any
from urllib.parse import unquote

import pytest

from colombe.actions import printing
from colombe.actions.models import PrintTemplate
from colombe.actions.tests.print_helpers import make_template, planned_action
from colombe.petitions.models import Petition

pytestmark = pytest.mark.django_db

Grid = list[list[bool]]

# Level M, per version: error correction codewords per block, then (blocks, data
# codewords per block) groups — ISO/IEC 18004 table 9.
LEVEL_M_BLOCKS = {
    1: [(1, 16)],
    2: [(1, 28)],
    3: [(1, 44)],
    4: [(2, 32)],
    5: [(2, 43)],
    6: [(4, 27)],
    7: [(4, 31)],
    8: [(2, 38), (2, 39)],
    9: [(3, 36), (2, 37)],
    10: [(4, 43), (1, 44)],
}
ALIGNMENT_CENTRES = {
    1: (),
    2: (6, 18),
    3: (6, 22),
    4: (6, 26),
    5: (6, 30),
    6: (6, 34),
    7: (6, 22, 38),
    8: (6, 24, 42),
    9: (6, 26, 46),
    10: (6, 28, 50),
}
MASKS = [
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
]


def found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match[1]


def grid_from_svg(data_uri: str) -> Grid:
    """segno draws each row's dark runs as horizontal strokes: ``M x y`` moves, ``m dx
    dy`` moves relatively, ``h n`` draws n modules; rows sit at y + 0.5, inside a quiet
    zone (the border)."""
    svg = unquote(data_uri.split(",", 1)[1])
    scale = int(found(r"scale\((\d+)\)", svg))
    side = int(found(r"width=.(\d+)", svg)) // scale
    path = found(r" d=.([^'\"]+)", svg)
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", path):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            end = values[0] if command == "H" else x + values[0]
            dark |= {(int(y - 0.5), column) for column in range(int(x), int(end))}
            x = end
    rows = [row for row, _column in dark]
    border = min(rows)
    size = side - 2 * border
    return [[(border + i, border + j) in dark for j in range(size)] for i in range(size)]


def function_modules(version: int) -> set[tuple[int, int]]:
    """Finder patterns with their separators and format information, timing patterns,
    alignment patterns and version information: everything that is not data."""
    n = 17 + 4 * version
    taken = set()
    for top, left in ((0, 0), (0, n - 8), (n - 8, 0)):
        taken |= {(top + i, left + j) for i in range(8) for j in range(8)}
    taken |= {(8, j) for j in range(9)} | {(i, 8) for i in range(9)}  # format, top left
    taken |= {(8, j) for j in range(n - 8, n)} | {(i, 8) for i in range(n - 8, n)}
    taken |= {(6, k) for k in range(n)} | {(k, 6) for k in range(n)}
    centres = ALIGNMENT_CENTRES[version]
    if centres:
        # None where it would overlap a finder pattern: the three corners.
        corners = {(centres[0], centres[0]), (centres[0], centres[-1]), (centres[-1], centres[0])}
        for row in centres:
            for column in centres:
                if (row, column) not in corners:
                    taken |= {(row + i, column + j) for i in range(-2, 3) for j in range(-2, 3)}
    if version >= 7:
        taken |= {(i, n - 11 + j) for i in range(6) for j in range(3)}
        taken |= {(n - 11 + j, i) for i in range(6) for j in range(3)}
    return taken


def data_bits(grid: Grid, version: int, mask: Any) -> list[int]:
    """The data modules in placement order: two-column strips from the right, up then
    down, column 6 (timing) skipped."""
    n = len(grid)
    reserved = function_modules(version)
    bits = []
    upward = True
    right = n - 1
    while right > 0:
        if right == 6:
            right -= 1
        for row in range(n - 1, -1, -1) if upward else range(n):
            for column in (right, right - 1):
                if (row, column) not in reserved:
                    bits.append(int(grid[row][column] != mask(row, column)))
        upward = not upward
        right -= 2
    return bits


def data_codewords(bits: list[int], version: int) -> list[int]:
    codewords = [int("".join(map(str, bits[k : k + 8])), 2) for k in range(0, len(bits) - 7, 8)]
    blocks: list[list[int]] = [
        [] for count, _size in LEVEL_M_BLOCKS[version] for _block in range(count)
    ]
    sizes = [size for count, size in LEVEL_M_BLOCKS[version] for _block in range(count)]
    stream = iter(codewords)
    for index in range(max(sizes)):
        for block, size in zip(blocks, sizes, strict=True):
            if index < size:
                block.append(next(stream))
    return [codeword for block in blocks for codeword in block]


def byte_mode_text(codewords: list[int], version: int) -> str:
    """The text of the byte-mode segment, which a terminator (0000) must end."""
    bits = "".join(f"{codeword:08b}" for codeword in codewords)
    assert bits[:4] == "0100", "byte mode"
    count_bits = 8 if version < 10 else 16
    length = int(bits[4 : 4 + count_bits], 2)
    start = 4 + count_bits
    end = start + 8 * length
    assert bits[end : end + 4] == "0000", "terminator"
    return bytes(int(bits[k : k + 8], 2) for k in range(start, end, 8)).decode("utf-8")


def format_word(level_bits: int, mask: int) -> int:
    """The 15-bit format information: 5 data bits, their BCH(15,5) code, the fixed mask."""
    data = level_bits << 3 | mask
    remainder = data
    for _step in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
    return (data << 10 | remainder) ^ 0x5412


def format_bits(grid: Grid) -> int:
    """The copy beside the top-left finder: bits 0-5 down column 8, 6-8 round the corner
    (the timing pattern skipped), 9-14 leftwards along row 8."""
    places = [(row, 8) for row in range(6)] + [(7, 8), (8, 8), (8, 7)]
    places += [(8, 14 - bit) for bit in range(9, 15)]
    return sum(int(grid[row][column]) << bit for bit, (row, column) in enumerate(places))


def mask_of(grid: Grid) -> int:
    level_m = 0b00
    read = format_bits(grid)
    (mask,) = [mask for mask in range(8) if format_word(level_m, mask) == read]
    return mask


def decode(grid: Grid) -> str:
    version = (len(grid) - 17) // 4
    bits = data_bits(grid, version, MASKS[mask_of(grid)])
    return byte_mode_text(data_codewords(bits, version), version)


def qr_codes(html: str) -> list[str]:
    return re.findall(r'class="qr" src="(data:image/svg\+xml[^"]+)"', html)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_reader_is_not_fooled_by_another_address():
    from colombe.petitions.paper import qr_code_data_uri

    assert decode(grid_from_svg(qr_code_data_uri("https://example.org/a"))) == (
        "https://example.org/a"
    )
    assert decode(grid_from_svg(qr_code_data_uri("https://example.org/b"))) != (
        "https://example.org/a"
    )


def test_leaflet_qr_code_leads_to_the_committees_petition(world):
    petition = Petition.objects.create(
        owner=world.lyon,
        title="Pour un traité d'interdiction",
        slug="pour-un-traite",
        body="Signez.",
        addressee="Le gouvernement",
        status=Petition.Status.PUBLISHED,
        consent_text="Tenez-moi informé·e.",
    )
    template = make_template(PrintTemplate.Kind.LEAFLET, PrintTemplate.PageSize.A5)
    (target,) = [t for t in printing.print_targets(world.lyon) if t.key.startswith("petition")]
    html = printing.material_html(template, world.lyon, target)
    (code,) = qr_codes(html)
    assert decode(grid_from_svg(code)) == (
        f"http://127.0.0.1:8000{petition.get_absolute_url()}?source=qr"
    )
    assert "127.0.0.1:8000/petitions/pour-un-traite/" in html  # printed for typing too


def test_poster_and_preview_qr_codes_lead_to_the_action(world):
    action = planned_action(world.lyon)
    template = make_template(PrintTemplate.Kind.POSTER, PrintTemplate.PageSize.A3)
    (target,) = [t for t in printing.print_targets(world.lyon) if t.key == f"action-{action.pk}"]
    expected = f"http://127.0.0.1:8000{action.get_absolute_url()}?source=qr"
    (printed,) = qr_codes(printing.material_html(template, world.lyon, target))
    (previewed,) = qr_codes(printing.preview_html(template, world.lyon, target, "/image.jpg"))
    assert decode(grid_from_svg(printed)) == expected
    assert decode(grid_from_svg(previewed)) == expected


def test_a_long_address_needs_a_larger_version_and_still_reads(world):
    url = "http://127.0.0.1:8000/lyon/?" + "&".join(f"campagne{k}=paix" for k in range(8))
    template = make_template(PrintTemplate.Kind.LEAFLET, PrintTemplate.PageSize.A4)
    target = printing.PrintTarget("long", "Une longue adresse", url, "Rejoignez-nous :")
    (code,) = qr_codes(printing.material_html(template, world.lyon, target))
    grid = grid_from_svg(code)
    assert (len(grid) - 17) // 4 >= 7  # with version information and several blocks
    assert decode(grid) == f"{url}&source=qr"
