"""Territories carrying their official codes, and a reader of the map and its table as a
visitor's browser would see them (standard library HTML parser)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from colombe.movement.models import Structure, Territory
from tests import factories
from tests.personas import World


@dataclass
class PlacedWorld:
    world: World
    lyon: Structure
    grenoble: Structure
    toulouse: Structure
    regional: Structure


def place_world(world: World) -> PlacedWorld:
    """The personas' world, with codes: Lyon (Rhône, 69) and Grenoble (Isère, 38) in
    Auvergne-Rhône-Alpes (84), Toulouse (Haute-Garonne, 31) in Occitanie (76), and a
    regional committee sitting on the region itself."""
    region = Territory.objects.get(slug="auvergne-rhone-alpes")
    region.code = "84"
    region.save(update_fields=["code"])
    france = Territory.objects.get(slug="france")
    isere = factories.TerritoryFactory.create(
        name="Isère", slug="isere", level=Territory.Level.DEPARTMENT, parent=region, code="38"
    )
    grenoble_town = factories.TerritoryFactory.create(
        name="Grenoble", slug="grenoble-ville", level=Territory.Level.LOCAL, parent=isere
    )
    occitanie = factories.TerritoryFactory.create(
        name="Occitanie", slug="occitanie", level=Territory.Level.REGION, parent=france, code="76"
    )
    haute_garonne = factories.TerritoryFactory.create(
        name="Haute-Garonne",
        slug="haute-garonne",
        level=Territory.Level.DEPARTMENT,
        parent=occitanie,
        code="31",
    )
    return PlacedWorld(
        world=world,
        lyon=world.lyon,
        grenoble=factories.StructureFactory.create(
            name="Comité de Grenoble", slug="grenoble", territory=grenoble_town
        ),
        toulouse=factories.StructureFactory.create(
            name="Comité de Toulouse", slug="toulouse", territory=haute_garonne
        ),
        regional=factories.StructureFactory.create(
            name="Coordination Auvergne-Rhône-Alpes", slug="coordination-ara", territory=region
        ),
    )


@dataclass
class MapPage:
    heading: str = ""
    # aria-label → href of each area that is a link
    links: dict[str, str] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    unlinked: int = 0
    # table: name → count, and the total
    rows: dict[str, int] = field(default_factory=dict)
    row_links: dict[str, str] = field(default_factory=dict)
    total: int = -1


class MapReader(HTMLParser):
    """Reads the section #feed-map: the map's areas and the table of figures."""

    def __init__(self) -> None:
        super().__init__()
        self.page = MapPage()
        self.in_map = False
        self.depth = 0
        self.capture: str | None = None
        self.text = ""
        self.row_name = ""
        self.row_href = ""
        self.in_foot = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if values.get("id") == "feed-map":
            self.in_map = True
        if not self.in_map:
            return
        if tag == "section":
            self.depth += 1
        classes = values.get("class", "").split()
        if tag == "a" and "map-area" in classes:
            self.page.links[values["aria-label"]] = values["href"]
            if "current" in classes:
                self.page.current.append(values["aria-label"])
        elif tag == "g" and "map-area" in classes:
            self.page.unlinked += 1
        elif tag == "tfoot":
            self.in_foot = True
        elif tag == "a" and self.capture == "th":
            self.row_href = values["href"]
        if tag in ("h2", "title", "th", "td"):
            self.capture, self.text = tag, ""

    def handle_endtag(self, tag: str) -> None:
        if not self.in_map:
            return
        if tag == "section":
            self.depth -= 1
            self.in_map = self.depth > 0
        if tag != self.capture:
            return
        text = " ".join(self.text.split())
        if tag == "h2":
            self.page.heading = text
        elif tag == "title":
            self.page.titles.append(text)
        elif tag == "th":
            self.row_name = text
        elif tag == "td" and self.in_foot:
            self.page.total = int(text)
        elif tag == "td":
            self.page.rows[self.row_name] = int(text)
            if self.row_href:
                self.page.row_links[self.row_name] = self.row_href
            self.row_href = ""
        self.capture = None

    def handle_data(self, data: str) -> None:
        if self.capture:
            self.text += data


def read_map(html: str) -> MapPage:
    reader = MapReader()
    reader.feed(html)
    return reader.page


def feed_map_page(client: Client, **params: str) -> MapPage:
    response = client.get(reverse("reports:feed"), params)
    assert response.status_code == 200
    return read_map(response.content.decode())
