"""Organisers create, edit (with history), publish and close petitions."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import resolve
from django.utils import timezone
from django.utils.text import slugify

from colombe.core.models import AuditEntry
from colombe.petitions import services, urls
from colombe.petitions.models import CounterShard, Petition, PetitionRevision
from tests.personas import World

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Désarmons-nous !",
    "body": "Un **texte** fort.\n\n<script>alert(1)</script>",
    "addressee": "Le Parlement",
    "consent_text": "Tenez-moi informé·e.",
}


def create(world: World, **extra: object) -> Petition:
    return services.create_petition(actor=world.bob, owner=world.lyon, **{**FIELDS, **extra})


def test_leader_creates_a_draft_with_its_first_revision(world: World) -> None:
    petition = create(world, goal=500)

    assert petition.status == Petition.Status.DRAFT
    assert petition.slug == "desarmons-nous"
    assert petition.created_by == world.bob
    assert "<strong>texte</strong>" in petition.body_html
    assert "<script>" not in petition.body_html
    revision = PetitionRevision.objects.get(petition=petition)
    assert revision.number == 1
    assert revision.editor == world.bob
    assert revision.snapshot["title"] == "Désarmons-nous !"
    assert revision.snapshot["goal"] == 500
    entry = AuditEntry.objects.get(action="petitions.petition.created")
    assert entry.object_id == str(petition.pk)
    assert entry.data == {"revision": 1}


def test_slugs_are_unique_and_avoid_the_app_words(world: World) -> None:
    assert create(world).slug == "desarmons-nous"
    assert create(world).slug == "desarmons-nous-2"
    assert create(world).slug == "desarmons-nous-3"
    assert create(world, title="Confirmer").slug == "confirmer-petition"
    assert create(world, title="!!!").slug == "petition"


@pytest.mark.parametrize("word", ["gerer", "altcha", "retirer", "Gérer"])
def test_a_slug_never_takes_a_route_of_the_app(world: World, word: str) -> None:
    petition = create(world, title=word)

    assert petition.slug == f"{slugify(word)}-petition"
    assert resolve(petition.get_absolute_url()).url_name == "detail"


def test_every_first_segment_of_the_app_urls_is_reserved() -> None:
    first_segments = {str(pattern.pattern).split("/", 1)[0] for pattern in urls.urlpatterns} - {""}
    literal = {segment for segment in first_segments if not segment.startswith("<")}

    assert literal == {"altcha", "confirmer", "retirer", "gerer"}
    assert literal <= services.RESERVED_SLUGS


def test_outsider_and_member_may_not_create(world: World) -> None:
    for person in (world.eve, world.charlie):
        with pytest.raises(PermissionDenied):
            services.create_petition(actor=person, owner=world.lyon, **FIELDS)
    assert not Petition.objects.exists()


def test_group_must_belong_to_the_owner(world: World) -> None:
    with pytest.raises(services.PetitionError):
        services.create_petition(
            actor=world.alice, owner=world.national, group=world.public_group, **FIELDS
        )
    petition = create(world, group=world.public_group)
    assert petition.group == world.public_group


def test_unknown_fields_are_refused(world: World) -> None:
    with pytest.raises(TypeError):
        create(world, status=Petition.Status.PUBLISHED)


def test_update_adds_a_revision_and_keeps_the_slug(world: World) -> None:
    petition = create(world)
    services.update_petition(
        actor=world.bob, petition=petition, title="Nouveau titre", body="*Nouveau* texte"
    )

    petition.refresh_from_db()
    assert petition.title == "Nouveau titre"
    assert petition.slug == "desarmons-nous"
    assert petition.body_html == "<p><em>Nouveau</em> texte</p>\n"
    assert petition.consent_version == 1
    revisions = list(petition.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].snapshot["title"] == "Désarmons-nous !"
    assert revisions[1].snapshot["title"] == "Nouveau titre"
    entry = AuditEntry.objects.get(action="petitions.petition.updated")
    assert entry.data == {"revision": 2, "fields": ["body", "title"]}


def test_new_consent_wording_gets_a_new_version(world: World) -> None:
    petition = create(world)
    services.update_petition(actor=world.bob, petition=petition, consent_text="Autre texte.")
    services.update_petition(actor=world.bob, petition=petition, consent_text="Autre texte.")
    petition.refresh_from_db()
    assert petition.consent_version == 2
    assert petition.revisions.count() == 2  # the unchanged second edit adds nothing
    assert petition.revisions.get(number=2).snapshot["consent_version"] == 2


def test_dates_are_kept_in_the_history(world: World) -> None:
    ends = timezone.now() + timedelta(days=30)
    petition = create(world)
    services.update_petition(actor=world.bob, petition=petition, ends_at=ends)
    assert petition.revisions.get(number=2).snapshot["ends_at"] == ends.isoformat()


def test_draft_is_hidden_from_outsiders_who_try_to_edit_it(world: World) -> None:
    petition = create(world)
    with pytest.raises(Http404):
        services.update_petition(actor=world.eve, petition=petition, title="Piraté")
    with pytest.raises(Http404):
        services.publish(actor=world.charlie, petition=petition)
    petition.refresh_from_db()
    assert petition.title == "Désarmons-nous !"
    assert petition.status == Petition.Status.DRAFT


def test_published_petition_may_not_be_edited_by_outsiders(world: World) -> None:
    petition = services.publish(actor=world.bob, petition=create(world))
    with pytest.raises(PermissionDenied):
        services.close(actor=world.eve, petition=petition)
    assert Petition.objects.get().status == Petition.Status.PUBLISHED


def test_publish_then_close(world: World) -> None:
    petition = create(world)
    services.publish(actor=world.bob, petition=petition)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PUBLISHED
    assert petition.published_at is not None
    assert CounterShard.objects.filter(petition=petition).count() == CounterShard.SHARDS

    services.close(actor=world.alice, petition=petition)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED
    assert petition.closed_at is not None
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["petitions.petition.published", "petitions.petition.closed"]

    with pytest.raises(services.PetitionError):
        services.publish(actor=world.bob, petition=petition)


def test_a_draft_cannot_be_closed(world: World) -> None:
    with pytest.raises(services.PetitionError):
        services.close(actor=world.bob, petition=create(world))
