"""Short links: following /l/<code> (counted, nothing kept about the visitor), and the
members' pages that create, edit and delete them, with their visits and QR codes.

No QR decoder is installed here (no zbarimg, no zxing-cpp; segno only encodes): a QR
code is checked by reading its modules back from the PNG and comparing them with the
matrix segno makes for the expected address."""

import io
from datetime import timedelta
from typing import Any

import pytest
import segno
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from colombe.core import policy
from colombe.core.models import AuditEntry
from colombe.outreach import short_links
from colombe.outreach.models import CommunicationRole, ShortLink, ShortLinkVisits
from colombe.outreach.share_views import QR_SCALE
from tests.personas import World


def make_link(
    world: World, code: str = "tract", target: str = "/petitions/", **fields: object
) -> ShortLink:
    values: dict[str, object] = {"title": "Tract du 1er mai", "created_by": world.bob, **fields}
    return ShortLink.objects.create(code=code, target=target, **values)


def follow(client: Client, code: str, method: str = "get") -> object:
    return getattr(client, method)(reverse("presence:short_link", args=[code]))


# Following a link -------------------------------------------------------------------------


def test_link_sends_the_visitor_on(client: Client, world: World) -> None:
    make_link(world, "mai", "/petitions/")
    make_link(world, "site", "https://paix.example/appel?x=1")

    local = client.get("/l/mai")
    remote = client.get("/l/site")

    assert (local.status_code, local["Location"]) == (302, "/petitions/")
    assert (remote.status_code, remote["Location"]) == (302, "https://paix.example/appel?x=1")


def test_each_visit_is_counted_for_the_day(client: Client, world: World) -> None:
    link = make_link(world)
    for _ in range(3):
        client.get("/l/tract")

    assert list(ShortLinkVisits.objects.values_list("link", "day", "visits")) == [
        (link.pk, timezone.localdate(), 3)
    ]


def test_codes_typed_in_capitals_work(client: Client, world: World) -> None:
    make_link(world, "tract")
    assert client.get("/l/TRACT").status_code == 302


def test_head_requests_are_not_visits(client: Client, world: World) -> None:
    make_link(world)
    response = client.head("/l/tract")
    assert response.status_code == 302
    assert not ShortLinkVisits.objects.exists()


def test_nothing_about_the_visitor_is_kept(client: Client, world: World) -> None:
    make_link(world)
    response = client.get(
        "/l/tract",
        HTTP_USER_AGENT="Mozilla/5.0 Tracable",
        HTTP_REFERER="https://ailleurs.example/",
        REMOTE_ADDR="203.0.113.7",
    )

    assert not response.cookies
    assert not Session.objects.exists()
    assert not AuditEntry.objects.exists()
    assert "no-store" in response["Cache-Control"]
    # The visit count is a number per day; the model has nowhere to put anything else.
    fields = {field.name for field in ShortLinkVisits._meta.get_fields()}
    assert fields == {"id", "link", "day", "visits"}
    assert ShortLinkVisits.objects.get().visits == 1


def test_unknown_code_is_404(client: Client, db: None) -> None:
    assert client.get("/l/nothing").status_code == 404


def test_concurrent_first_visits_of_the_day_are_all_counted(world: World) -> None:
    link = make_link(world)
    ShortLinkVisits.objects.create(link=link, day=timezone.localdate(), visits=0)
    short_links.count_visit(link)
    short_links.count_visit(link)
    assert ShortLinkVisits.objects.get().visits == 2


# Creating, editing, deleting --------------------------------------------------------------


def test_member_creates_a_link_with_a_random_code(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    response = client.post(
        reverse("outreach:short_link_create"),
        {"title": "Affiche", "target": "/petitions/", "code": ""},
    )

    link = ShortLink.objects.get()
    assert response.status_code == 302 and response["Location"] == link.get_absolute_url()
    assert len(link.code) == short_links.CODE_LENGTH
    assert set(link.code) <= set(short_links.CODE_ALPHABET)
    assert link.created_by == world.charlie
    assert AuditEntry.objects.filter(action="outreach.short_link.created").count() == 1


def test_a_chosen_code_is_kept_in_lower_case(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    client.post(
        reverse("outreach:short_link_create"),
        {"title": "Affiche", "target": "/petitions/", "code": "Paix-Lyon"},
    )
    assert ShortLink.objects.get().code == "paix-lyon"


@pytest.mark.parametrize("code", ["tract", "TRACT", "nouveau", "ab", "pas un code"])
def test_taken_reserved_or_bad_codes_are_refused(client: Client, world: World, code: str) -> None:
    make_link(world, "tract")
    client.force_login(world.charlie)
    response = client.post(
        reverse("outreach:short_link_create"),
        {"title": "Affiche", "target": "/petitions/", "code": code},
    )
    assert response.status_code == 422
    assert ShortLink.objects.count() == 1
    assert 'class="error-summary"' in response.content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "http://ailleurs.example/",
        "//ailleurs.example/",
        "/\\ailleurs.example/",
        "data:text/html,<script>",
        "https://moi@ailleurs.example/",
        "ftp://ailleurs.example/",
        "/l/autre",
        "petitions/",
    ],
)
def test_dangerous_destinations_are_refused(client: Client, world: World, target: str) -> None:
    client.force_login(world.charlie)
    response = client.post(
        reverse("outreach:short_link_create"), {"title": "Affiche", "target": target}
    )
    assert response.status_code == 422
    assert not ShortLink.objects.exists()


def test_creator_edits_but_not_the_code(client: Client, world: World) -> None:
    link = make_link(world)
    client.force_login(world.bob)
    response = client.post(
        reverse("outreach:short_link_edit", args=[link.code]),
        {"title": "Tract corrigé", "target": "/agenda/", "code": "autre"},
    )
    link.refresh_from_db()
    assert response.status_code == 302
    assert (link.title, link.target, link.code) == ("Tract corrigé", "/agenda/", "tract")


# Links to other sites: the communication group only ---------------------------------------


def create(client: Client, target: str) -> Any:
    return client.post(
        reverse("outreach:short_link_create"), {"title": "Affiche", "target": target}
    )


@pytest.mark.parametrize("person", ["charlie", "bob"])
def test_members_may_not_link_to_another_site(
    client: Client, world: World, english_pages: None, person: str
) -> None:
    client.force_login(getattr(world, person))
    response = create(client, "https://ailleurs.example/arnaque")
    assert response.status_code == 422
    assert "ask the communication group" in response.content.decode()
    assert not ShortLink.objects.exists()


def test_the_form_tells_members_where_links_may_lead(
    client: Client, world: World, english_pages: None
) -> None:
    client.force_login(world.charlie)
    page = client.get(reverse("outreach:short_link_create")).content.decode()
    assert "Links to other sites are made by the communication group." in page


def test_members_may_give_this_sites_full_address(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    own_site = settings.SITE_URL.replace("http://", "https://")
    with override_settings(SITE_URL=own_site):
        response = create(client, own_site + "/petitions/")
    assert response.status_code == 302
    assert ShortLink.objects.get().target == own_site + "/petitions/"


def test_the_communication_group_links_to_another_site(client: Client, world: World) -> None:
    CommunicationRole.objects.create(user=world.charlie, structure=None, appointed_by=world.alice)
    for person in [world.alice, world.charlie]:
        client.force_login(person)
        assert create(client, f"https://paix.example/{person.pk}").status_code == 302
    assert ShortLink.objects.count() == 2


def test_a_member_may_not_edit_their_link_to_another_site(
    client: Client, world: World, english_pages: None
) -> None:
    link = make_link(world, target="https://paix.example/")
    client.force_login(world.bob)
    response = client.post(
        reverse("outreach:short_link_edit", args=[link.code]),
        {"title": "Tract corrigé", "target": "https://paix.example/"},
    )
    link.refresh_from_db()
    assert response.status_code == 422
    assert "ask the communication group" in response.content.decode()
    assert link.title == "Tract du 1er mai"


def test_a_member_may_bring_their_link_back_to_this_site(client: Client, world: World) -> None:
    link = make_link(world, target="https://paix.example/")
    client.force_login(world.bob)
    response = client.post(
        reverse("outreach:short_link_edit", args=[link.code]),
        {"title": "Tract", "target": "/petitions/"},
    )
    link.refresh_from_db()
    assert response.status_code == 302 and link.target == "/petitions/"


def test_the_communication_group_edits_a_link_to_another_site(client: Client, world: World) -> None:
    link = make_link(world, target="https://paix.example/")
    client.force_login(world.alice)
    response = client.post(
        reverse("outreach:short_link_edit", args=[link.code]),
        {"title": "Tract", "target": "https://paix.example/appel"},
    )
    link.refresh_from_db()
    assert response.status_code == 302 and link.target == "https://paix.example/appel"


def test_the_services_refuse_members_a_link_to_another_site(world: World) -> None:
    link = make_link(world, target="/petitions/")
    with pytest.raises(PermissionDenied):
        short_links.create_short_link(
            actor=world.charlie, title="Affiche", target="https://ailleurs.example/"
        )
    with pytest.raises(PermissionDenied):
        short_links.update_short_link(
            actor=world.bob, link=link, target="https://ailleurs.example/"
        )
    link.refresh_from_db()
    assert link.target == "/petitions/" and ShortLink.objects.count() == 1


def test_only_the_communication_group_may_link_elsewhere(world: World) -> None:
    allowed = {
        name: policy.has_perm(getattr(world, name), "outreach.link_elsewhere")
        for name in ["alice", "bob", "charlie", "eve"]
    }
    assert allowed == {"alice": True, "bob": False, "charlie": False, "eve": False}


def test_other_members_may_not_edit_or_delete(client: Client, world: World) -> None:
    link = make_link(world)
    client.force_login(world.charlie)
    for name in ["short_link_edit", "short_link_delete"]:
        assert client.get(reverse(f"outreach:{name}", args=[link.code])).status_code == 403
        assert client.post(reverse(f"outreach:{name}", args=[link.code])).status_code == 403
    assert ShortLink.objects.filter(pk=link.pk).exists()


def test_delete_asks_then_deletes(client: Client, world: World) -> None:
    link = make_link(world)
    client.force_login(world.alice)
    url = reverse("outreach:short_link_delete", args=[link.code])

    assert client.get(url).status_code == 200
    assert ShortLink.objects.exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("outreach:short_links")
    assert not ShortLink.objects.exists()


def test_visitors_and_outsiders_do_not_reach_the_management(client: Client, world: World) -> None:
    link = make_link(world)
    list_url = reverse("outreach:short_links")
    detail_url = link.get_absolute_url()
    assert client.get(list_url).status_code == 302
    assert client.get(detail_url).status_code == 302
    client.force_login(world.eve)
    assert client.get(list_url).status_code == 403
    assert client.get(reverse("outreach:short_link_create")).status_code == 403
    assert client.get(detail_url).status_code == 404
    assert client.get(reverse("outreach:short_link_qr", args=[link.code, "png"])).status_code == 404


# Lists and visits -------------------------------------------------------------------------


def test_list_searches_and_paginates(client: Client, world: World) -> None:
    for number in range(30):
        make_link(world, f"lien-{number}", title=f"Affiche {number}")
    make_link(world, "mai", title="Tract du 1er mai")
    client.force_login(world.charlie)

    first = client.get(reverse("outreach:short_links")).content.decode()
    found = client.get(reverse("outreach:short_links"), {"q": "mai"}).content.decode()
    nothing = client.get(reverse("outreach:short_links"), {"q": "zzz"}).content.decode()

    assert first.count("<tr>") == 1 + 25 and 'rel="next"' in first
    assert "Tract du 1er mai" in found and "Affiche 3" not in found
    assert 'class="empty"' in nothing


def test_detail_shows_visits_per_day(client: Client, world: World) -> None:
    link = make_link(world)
    today = timezone.localdate()
    ShortLinkVisits.objects.create(link=link, day=today, visits=7)
    ShortLinkVisits.objects.create(link=link, day=today - timedelta(days=40), visits=5)
    client.force_login(world.charlie)

    last_30 = client.get(link.get_absolute_url()).content.decode()
    last_90 = client.get(link.get_absolute_url(), {"days": "90"}).content.decode()

    assert last_30.count("<tr><td><time") == 30 and last_90.count("<tr><td><time") == 90
    assert f'<time datetime="{today:%Y-%m-%d}">' in last_30
    assert f'datetime="{today - timedelta(days=40):%Y-%m-%d}"' not in last_30
    assert f'datetime="{today - timedelta(days=40):%Y-%m-%d}"' in last_90
    assert last_30.count("<rect ") == 30
    assert f"{settings.SITE_URL}/l/tract" in last_30


def test_visits_per_day_has_every_day(world: World) -> None:
    link = make_link(world)
    today = timezone.localdate()
    ShortLinkVisits.objects.create(link=link, day=today - timedelta(days=2), visits=4)
    assert short_links.visits_per_day(link, 3) == [
        (today - timedelta(days=2), 4),
        (today - timedelta(days=1), 0),
        (today, 0),
    ]


# QR codes ---------------------------------------------------------------------------------


def is_dark(image: Image.Image, x: int, y: int) -> bool:
    pixel = image.getpixel((x, y))
    assert isinstance(pixel, int)
    return pixel < 128


def modules_of(png: bytes, scale: int, border: int = 4) -> list[list[bool]]:
    """The dark/light modules of a QR code drawn with segno at ``scale``, read at the
    middle of each module."""
    image = Image.open(io.BytesIO(png)).convert("L")
    count = image.width // scale - 2 * border

    def middle(index: int) -> int:
        return (border + index) * scale + scale // 2

    return [
        [is_dark(image, middle(col), middle(row)) for col in range(count)] for row in range(count)
    ]


def test_qr_code_png_leads_to_the_public_address(client: Client, world: World) -> None:
    link = make_link(world)
    client.force_login(world.charlie)

    response = client.get(reverse("outreach:short_link_qr", args=[link.code, "png"]))

    assert response["Content-Type"] == "image/png"
    expected = segno.make(f"{settings.SITE_URL}/l/tract", error="m")
    assert modules_of(response.content, QR_SCALE) == [
        [bool(module) for module in row] for row in expected.matrix
    ]


def test_qr_code_svg_for_print(client: Client, world: World) -> None:
    link = make_link(world)
    client.force_login(world.charlie)
    response = client.get(
        reverse("outreach:short_link_qr", args=[link.code, "svg"]), {"download": "1"}
    )
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content
    assert response["Content-Disposition"] == 'attachment; filename="qr-tract.svg"'
    assert client.get(reverse("outreach:short_link_qr", args=[link.code, "gif"])).status_code == 404
