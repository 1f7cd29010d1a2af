"""``manage.py seed_demo`` and ``manage.py demo_logins``."""

import stat
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.accounts.models import ProfileVisibility, User
from colombe.core import demo as core_demo
from colombe.core.hashtags import hashtags_in_text
from colombe.core.models import Hashtag
from colombe.groups.models import (
    Document,
    DocumentVersion,
    Group,
    GroupMembership,
    Post,
    Thread,
    Visibility,
)
from colombe.meetings.models import Meeting, Minutes, Participant
from colombe.movement.models import Membership, PartnerOrganisation, Structure, Territory
from colombe.outreach.models import Post as OutreachPost
from colombe.petitions import crypto
from colombe.petitions import demo as petitions_demo
from colombe.petitions import services as petition_services
from colombe.petitions.models import CounterShard, Petition, PetitionRevision, Signature
from colombe.petitions.stats import region_of

pytestmark = pytest.mark.django_db

SEEDED_MODELS: list[type[models.Model]] = [
    Territory,
    Structure,
    PartnerOrganisation,
    User,
    EmailAddress,
    Membership,
    Hashtag,
    Group,
    GroupMembership,
    Thread,
    Post,
    Document,
    DocumentVersion,
    Petition,
    PetitionRevision,
    Meeting,
    Participant,
    Minutes,
    Signature,
    CounterShard,
]
PERSONA_EMAILS = [
    f"{name}@colombe.example" for name in ("alice", "bob", "charlie", "dana", "eve", "frank")
]


@pytest.fixture(autouse=True)
def _private_var_dir(settings: Any, tmp_path: Path) -> None:
    """The demo password and the uploaded documents go to a throw-away folder."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _small_crowd(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few dozen petition signers instead of thousands, except for the tests that ask
    for the ``full_crowd``: the other tests are about the rest of the movement."""
    if "full_crowd" in request.fixturenames:
        return
    monkeypatch.setattr(petitions_demo, "ONLINE_CONFIRMED", 60)
    monkeypatch.setattr(petitions_demo, "PAPER_SIGNATURES", 8)
    monkeypatch.setattr(petitions_demo, "PENDING", 3)
    monkeypatch.setattr(petitions_demo, "WITHDRAWN", 2)


@pytest.fixture(autouse=True)
def _no_archive_or_radio(monkeypatch: pytest.MonkeyPatch) -> None:
    """The archive and radio demos convert media with ffmpeg for seconds; they have their
    own tests (mediatheque/tests/test_demo_archive.py, radio/tests/test_demo_radio.py)."""
    monkeypatch.setattr(core_demo, "seed_archive", lambda *args: None)
    monkeypatch.setattr(core_demo, "seed_radio", lambda *args: None)


@pytest.fixture
def full_crowd() -> None:
    """The demo petition's signers as ``manage.py seed_demo`` creates them."""


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_password(settings: Any) -> str:
    return str((Path(settings.VAR_DIR) / "demo_password").read_text().strip())


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every seeded table, to prove a second run changes nothing."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in SEEDED_MODELS
    }


def membership(email: str, structure_slug: str) -> Membership:
    return Membership.objects.get(user__email=email, structure__slug=structure_slug)


def test_seeding_twice_creates_and_changes_nothing(settings: Any) -> None:
    first = seed()
    before = snapshot()
    password = demo_password(settings)

    second = seed()

    assert "accounts.User: 49" in first
    assert "petitions.Petition: 2" in first
    assert "Demo data already present: nothing created." in second
    assert snapshot() == before
    assert demo_password(settings) == password


def test_password_file_is_private_and_generated(settings: Any) -> None:
    seed()

    path = Path(settings.VAR_DIR) / "demo_password"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(demo_password(settings)) >= 12


def test_lost_password_file_gives_every_demo_account_the_new_password(settings: Any) -> None:
    seed()
    old_password = demo_password(settings)
    (Path(settings.VAR_DIR) / "demo_password").unlink()

    output = seed()

    new_password = demo_password(settings)
    assert new_password != old_password
    assert "Demo password set again on 49 accounts." in output
    bob = User.objects.get(email="bob@colombe.example")
    assert bob.check_password(new_password)
    assert not bob.check_password(old_password)


def test_territory_tree_has_regions_departments_and_towns() -> None:
    seed()

    lyon = Territory.objects.get(slug="lyon")
    assert [(t.name, t.code) for t in lyon.ancestors_and_self()] == [
        ("Lyon", "69123"),
        ("Rhône", "69"),
        ("Auvergne-Rhône-Alpes", "84"),
        ("France", "FR"),
    ]
    regions = Territory.objects.filter(level=Territory.Level.REGION)
    assert set(regions.values_list("name", flat=True)) == {
        "Auvergne-Rhône-Alpes",
        "Île-de-France",
        "Occitanie",
    }
    departments = Territory.objects.filter(level=Territory.Level.DEPARTMENT)
    assert {"69", "38", "75", "93", "31", "34"} <= set(departments.values_list("code", flat=True))


def test_structures_of_the_movement() -> None:
    seed()

    committees = Structure.objects.committees()
    assert committees.count() == 12
    assert not committees.filter(description="").exists()
    national = Structure.objects.get(kind=Structure.Kind.NATIONAL)
    assert national.name == "Secrétariat national"
    assert set(
        Structure.objects.filter(kind=Structure.Kind.WORKING_GROUP).values_list("name", flat=True)
    ) == {"Groupe de travail Désarmement", "Groupe de travail Jeunesse"}
    collective = Structure.objects.get(kind=Structure.Kind.COLLECTIVE)
    assert collective.name == "Collectif Paix et Solidarité"
    assert collective.partners.count() == 20


def test_every_committee_has_a_leader_and_most_have_three_or_four_relays() -> None:
    seed()

    relays = {}
    for committee in Structure.objects.committees():
        active = committee.memberships.filter(status=Membership.Status.ACTIVE)
        assert active.filter(role=Membership.Role.LEADER).count() == 1, committee.name
        relays[committee.slug] = active.filter(is_relay=True).count()
    under_covered = {slug: count for slug, count in relays.items() if count < 3}
    assert under_covered == {
        "comite-saint-etienne": 2,
        "comite-montpellier": 1,
        "comite-paris-20": 0,
    }
    assert all(3 <= count <= 4 for slug, count in relays.items() if slug not in under_covered)


def test_personas_have_their_roles() -> None:
    seed()

    alice = User.objects.get(email="alice@colombe.example")
    assert alice.is_national_admin and alice.is_staff
    assert membership(alice.email, "secretariat-national").role == Membership.Role.LEADER

    bob = membership("bob@colombe.example", "comite-lyon")
    assert bob.role == Membership.Role.LEADER and bob.is_relay and bob.is_active
    lyon_relays = Membership.objects.filter(structure__slug="comite-lyon", is_relay=True)
    assert lyon_relays.count() == 3

    charlie = membership("charlie@colombe.example", "comite-lyon")
    assert charlie.role == Membership.Role.MEMBER and not charlie.is_relay and charlie.is_active
    assert {h.name for h in charlie.user.interests.all()} == {"désarmement", "paix"}

    dana = User.objects.get(email="dana@colombe.example")
    assert membership(dana.email, "gt-jeunesse").is_active
    assert dana.profile_visibility == ProfileVisibility.MOVEMENT
    assert {h.name for h in dana.interests.all()} == {"jeunesse", "réseauxsociaux"}

    eve = User.objects.get(email="eve@colombe.example")
    assert not eve.memberships.exists() and not eve.group_memberships.exists()
    assert not eve.is_national_admin and not eve.is_staff

    frank = membership("frank@colombe.example", "collectif-paix-solidarite")
    assert frank.role == Membership.Role.REPRESENTATIVE
    assert frank.organisation is not None
    assert frank.structure.partners.filter(pk=frank.organisation.pk).exists()


def test_secret_group_has_only_bob_and_charlie() -> None:
    seed()

    group = Group.objects.get(slug="cellule-hirondelle")
    assert group.name == "Cellule Hirondelle"
    assert group.visibility == Visibility.SECRET
    assert group.owner.slug == "comite-lyon"
    assert sorted(group.memberships.values_list("user__email", "role")) == [
        ("bob@colombe.example", GroupMembership.Role.OWNER),
        ("charlie@colombe.example", GroupMembership.Role.MEMBER),
    ]
    assert Group.objects.filter(visibility=Visibility.SECRET).count() == 1
    eve = User.objects.get(email="eve@colombe.example")
    assert not Group.objects.visible_to(eve).filter(slug="cellule-hirondelle").exists()


def test_groups_of_each_visibility_have_discussions() -> None:
    seed()

    for visibility in Visibility:
        assert Group.objects.filter(visibility=visibility).exists(), visibility
    for group in Group.objects.all():
        assert Post.objects.filter(thread__group=group).count() >= 2, group.name
    post = Post.objects.get(body__startswith="Bonjour à toutes et à tous")
    assert "<strong>21 septembre</strong>" in post.body_html
    assert "<li>" in post.body_html


def test_public_and_private_groups_have_a_text_document() -> None:
    seed()

    for slug in ("paix-en-rhone-alpes", "bureau-comite-lyon"):
        version = DocumentVersion.objects.get(document__group__slug=slug)
        assert version.content_type == "text/plain"
        with default_storage.open(version.file.name) as handle:
            text = handle.read().decode()
        assert len(text.encode()) == version.size
        assert len(text.splitlines()) >= 3


def test_demo_users_log_in_with_the_demo_password(settings: Any) -> None:
    seed()
    password = demo_password(settings)

    for email in PERSONA_EMAILS:
        assert Client().login(email=email, password=password), email
        assert EmailAddress.objects.filter(email=email, verified=True, primary=True).exists()
    assert not Client().login(email="bob@colombe.example", password="wrong-password")


def test_bob_logs_in_through_the_login_form(client: Client, settings: Any) -> None:
    seed()

    response = client.post(
        reverse("account_login"),
        {"login": "bob@colombe.example", "password": demo_password(settings)},
    )

    # A verified address goes straight in, not to the "confirm your email" page.
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_alice_must_set_up_totp_after_logging_in(client: Client, settings: Any) -> None:
    seed()
    client.post(
        reverse("account_login"),
        {"login": "alice@colombe.example", "password": demo_password(settings)},
    )

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_demo_logins_lists_personas_with_password(settings: Any) -> None:
    settings.SITE_URL = "http://demo.colombe.example:8000"
    seed()
    out = StringIO()

    call_command("demo_logins", stdout=out)

    text = out.getvalue()
    assert "http://demo.colombe.example:8000" in text
    for email in PERSONA_EMAILS:
        assert email in text
    assert demo_password(settings) in text
    assert "authenticator app (TOTP)" in text


def test_demo_logins_before_seeding_says_what_to_do() -> None:
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("demo_logins", stdout=StringIO())


def national_petition() -> Petition:
    return Petition.objects.get(owner__slug="secretariat-national")


def test_national_petition_is_live_with_thousands_of_signatures(full_crowd: None) -> None:
    seed()
    before = snapshot()

    output = seed()

    assert "nothing created" in output
    assert snapshot() == before
    petition = national_petition()
    assert petition.status == Petition.Status.PUBLISHED
    assert petition.addressee == "Monsieur le Président de la République"
    assert petition.goal == 5000
    assert "<strong>signer et ratifier</strong>" in petition.body_html
    signatures = Signature.objects.filter(petition=petition)
    confirmed = signatures.filter(status=Signature.Status.CONFIRMED)
    assert confirmed.count() == 3000
    assert petition_services.signature_count(petition) == 3000
    assert petition_services.reconcile_counter(petition) == (3000, 3000)
    assert signatures.filter(status=Signature.Status.PENDING).exists()
    assert signatures.filter(status=Signature.Status.WITHDRAWN, first_name="").exists()


def test_demo_signatures_look_like_a_real_campaign(full_crowd: None) -> None:
    seed()

    petition = national_petition()
    confirmed = Signature.objects.filter(petition=petition, status=Signature.Status.CONFIRMED)
    total = confirmed.count()
    assert 0.08 * total <= confirmed.filter(is_paper=True).count() <= 0.12 * total
    online = confirmed.filter(is_paper=False)
    assert 0.25 <= online.filter(show_publicly=True).count() / online.count() <= 0.35
    assert 0.15 <= online.filter(keep_informed=True).count() / online.count() <= 0.25
    sources = set(confirmed.values_list("source", flat=True))
    assert sources == {"mastodon", "bluesky", "facebook", "whatsapp", "email", "qr", "paper", ""}
    departments = set(confirmed.values_list("department", flat=True))
    assert {"69", "38", "75", "35", "13", "2A"} <= departments
    assert len({region_of(department) for department in departments}) >= 10
    assert len(set(confirmed.values_list("first_name", flat=True))) >= 50
    # Six weeks, a launch peak, a quieter middle and a second peak.
    moments = [
        moment
        for moment in confirmed.filter(is_paper=False).values_list("confirmed_at", flat=True)
        if moment is not None
    ]
    first_day = min(moments).date()
    assert 40 <= (max(moments).date() - first_day).days <= 42
    per_day = Counter((moment.date() - first_day).days for moment in moments)
    assert max(per_day[n] for n in range(3)) > 3 * per_day[20]
    assert max(per_day[n] for n in range(24, 27)) > 2 * per_day[20]
    assert max(moments) <= timezone.now()
    assert petition.published_at is not None and petition.published_at.date() <= first_day


def test_demo_emails_are_encrypted_and_hashed(full_crowd: None) -> None:
    seed()

    signature = Signature.objects.filter(
        petition=national_petition(), is_paper=False, status=Signature.Status.CONFIRMED
    ).first()
    assert signature is not None
    email = crypto.decrypt_email(signature.email_encrypted)
    assert email.endswith((".org", ".net", ".com")) and "@example." in email
    assert signature.email_hash == crypto.email_hash(email)
    assert email not in signature.email_encrypted


def test_lyon_has_a_draft_petition() -> None:
    seed()

    draft = Petition.objects.get(owner__slug="comite-lyon")
    assert draft.status == Petition.Status.DRAFT
    assert draft.created_by == User.objects.get(email="bob@colombe.example")
    assert not draft.signatures.exists()
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_demo_posts_carry_the_hashtags_of_their_text() -> None:
    seed()

    posts = OutreachPost.objects.prefetch_related("hashtags")
    assert posts.count() >= 15
    for post in posts:
        names = {hashtag.name for hashtag in post.hashtags.all()}
        assert names and names == set(hashtags_in_text(post.text)), post.text


@pytest.mark.slow
def test_large_scale_adds_committees_and_members_once(settings: Any) -> None:
    seed("--scale", "large", "--committees", "50", "--members", "500")
    before = snapshot()

    output = seed("--scale", "large", "--committees", "50", "--members", "500")

    assert "nothing created" in output
    assert snapshot() == before
    demo_committees = Structure.objects.filter(slug__startswith="comite-demo-")
    assert demo_committees.count() == 50
    assert demo_committees.filter(slug="comite-demo-0050").exists()
    demo_members = User.objects.filter(email__startswith="membre-demo-")
    assert demo_members.count() == 500
    memberships = Membership.objects.filter(user__in=demo_members)
    assert memberships.count() == 500
    assert set(memberships.values_list("structure__slug", flat=True)) == set(
        demo_committees.values_list("slug", flat=True)
    )
    for committee in demo_committees:
        assert committee.memberships.count() == 10
        assert committee.memberships.filter(role=Membership.Role.LEADER).count() == 1
        assert committee.memberships.filter(is_relay=True).count() == 3
    assert EmailAddress.objects.filter(user__in=demo_members, verified=True).count() == 500
    assert Client().login(
        email="membre-demo-000500@colombe.example", password=demo_password(settings)
    )
