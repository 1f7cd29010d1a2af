"""The outlines of the map of France: departments read from the npm package, regions
dissolved from them, and the shades of the legend."""

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders

from colombe.reports import france_map
from colombe.reports.france_map import Shape


def test_every_metropolitan_department_belongs_to_one_region() -> None:
    departments = france_map.department_shapes()
    assert len(departments) == 96
    members = [code for codes in france_map.REGION_DEPARTMENTS.values() for code in codes]
    assert sorted(members) == sorted(departments)
    assert departments["69"].name == "Rhône"


def test_relative_moves_start_from_the_previous_rings_first_point() -> None:
    rings = france_map.parse_rings("m 1,1 2,0 0,2 z m 5,5 1,0 0,1 z")
    assert rings == (((1, 1), (3, 1), (3, 3)), ((6, 6), (7, 6), (7, 7)))


def test_a_shared_border_disappears_when_two_shapes_are_dissolved() -> None:
    left = Shape("a", "A", (((0, 0), (1, 0), (1, 1), (0, 1)),))
    right = Shape("b", "B", (((1, 0), (2, 0), (2, 1), (1, 1)),))
    (ring,) = france_map.dissolve([left, right])
    assert set(ring) == {(0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (0, 1)}
    # The border from (1, 0) to (1, 1) is gone: no two consecutive points are both on x = 1.
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    assert not any(a[0] == b[0] == 1 for a, b in pairs)


@pytest.mark.parametrize("code", sorted(france_map.REGION_DEPARTMENTS))
def test_a_region_covers_its_departments_without_their_inner_borders(code: str) -> None:
    region = france_map.region_shapes()[code]
    departments = france_map.departments_of(code)
    around = departments[0].box
    for department in departments[1:]:
        around = around.union(department.box)
    # The coast and the outer borders are all kept.
    assert region.box == around
    assert len(region.path) < sum(len(d.path) for d in departments) or len(departments) == 1
    assert region.path.startswith("M") and region.path.endswith("z")


def test_neighbours_are_the_departments_around_a_region() -> None:
    rhone_alpes = france_map.departments_of("84")
    around = {
        shape.name for shape in france_map.neighbours(rhone_alpes, france_map.framing(rhone_alpes))
    }
    assert {"Saône-et-Loire", "Gard", "Hautes-Alpes"} <= around
    assert "Rhône" not in around and "Finistère" not in around


@pytest.mark.parametrize("maximum", range(1, 25))
def test_the_legend_gives_each_count_its_shade(maximum: int) -> None:
    ranges = france_map.legend(maximum)
    assert ranges[0] == (0, 0, 0)
    for count in range(maximum + 1):
        (found,) = [step for step, low, high in ranges if low <= count <= high]
        assert found == france_map.shade(count, maximum)
    assert france_map.shade(maximum, maximum) == 4


def test_outlines_are_read_from_the_collected_files_without_node_modules(
    settings: Any, tmp_path: Path
) -> None:
    source = finders.find(france_map.GEOMETRY_FILE)
    collected = tmp_path / france_map.GEOMETRY_FILE
    collected.parent.mkdir(parents=True)
    shutil.copy(str(source), collected)
    settings.STATICFILES_DIRS = []
    settings.STATIC_ROOT = tmp_path
    assert finders.find(france_map.GEOMETRY_FILE) is None
    france_map._geometry.cache_clear()
    try:
        assert len(france_map._geometry()["locations"]) == 96
    finally:
        france_map._geometry.cache_clear()
