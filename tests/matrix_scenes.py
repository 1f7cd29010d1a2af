"""What the permission matrix (tests/test_permission_matrix.py) points the URLs of the
field actions, social networks and training apps at, built with those apps' own test
helpers, and the URL arguments taken from it.

Field actions live in a group's space: the private and secret scenes each have one, for
the group's members only, and the secret group's title is a clue no outsider may meet.
The social-network tools and training belong to the Lyon committee and the movement, not
to a group: they are built once and found again by constants, like the radio's."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from colombe.actions import services as action_services
from colombe.actions.models import Action, DayOfAction, PrintTemplate
from colombe.actions.tests.plan_helpers import plan
from colombe.actions.tests.print_helpers import make_template
from colombe.groups.models import Group, Visibility
from colombe.mediatheque.models import MediaItem
from colombe.outreach import services as outreach_services
from colombe.outreach.models import (
    Campaign,
    CharterPage,
    ChecklistItem,
    CommunicationRole,
    Network,
    OutreachVolunteer,
    Post,
    PostImage,
    PostTarget,
    ShortLink,
    SocialAccount,
)
from colombe.training.models import Level, MentoringRequest, Resource
from colombe.training.tests.training_helpers import can_help, make_request, make_session, make_topic
from tests import factories
from tests.fake_networks import add_image, make_account, scheduled_post
from tests.personas import World

# Field actions ------------------------------------------------------------------------------

# The secret group's action is as secret as the group: its title must never reach outsiders.
SECRET_ACTION_TITLE = "Collage Pluvier-Doré"
NATIONAL_DAY_TITLE = "Journée pour la paix"
PRINT_TEMPLATE_SLUG = "tract-matrice"
# Printing Lyon's leaflet with the QR code of its page (a valid choice for its members).
PRINT_QUERY = f"template={PRINT_TEMPLATE_SLUG}&committee=lyon&target=page"


def national_day(world: World) -> DayOfAction:
    """The national day of action Alice called, which every scene's action joins (so the
    day's page lists the secret group's action too, for whoever may see it)."""
    called = DayOfAction.objects.filter(title=NATIONAL_DAY_TITLE).first()
    if called is not None:
        return called
    today = timezone.localdate()
    return action_services.call_day(
        world.alice,
        title=NATIONAL_DAY_TITLE,
        call="Partout en France, le même jour.",
        starts_on=today,
        ends_on=today + timedelta(days=7),
        territory=world.national.territory,
        called_by=world.national,
    )


def build_action(world: World, group: Group) -> Action:
    """Bob's action with one slot: in the public scene the Lyon committee's public action
    (a public group's space would close it to the group's members, as in the private
    scene); in the private and secret scenes an action in the group's space."""
    is_secret = group.visibility == Visibility.SECRET
    return plan(
        world,
        title=SECRET_ACTION_TITLE if is_secret else f"Collage {group.visibility}",
        group=None if group.visibility == Visibility.PUBLIC else group,
        slots=(("Distribution", 6),),
        day_of_action=national_day(world),
    )


def build_print_template() -> PrintTemplate:
    return make_template(slug=PRINT_TEMPLATE_SLUG, image_size=(1000, 1000))


def national_day_slug(scene: Any) -> dict[str, Any]:
    return {"slug": DayOfAction.objects.get(title=NATIONAL_DAY_TITLE).slug}


def print_template(scene: Any) -> dict[str, Any]:
    return {"slug": PRINT_TEMPLATE_SLUG}


# Social networks ------------------------------------------------------------------------------

DRAFT_POST_TEXT = "Brouillon de Bob pour Lyon #paix"
REVIEWED_POST_TEXT = "Publication de Bob en relecture #paix"
SCHEDULED_POST_TEXT = "Publication de Lyon programmée #paix"
SHORT_LINK_CODE = "tract-lyon"
CAMPAIGN_SLUG = "desarmement"
CHARTER_PAGE_SLUG = "ton-et-style"
CHECKLIST_QUESTION = "L'image est-elle décrite ?"
LYON_LEAD_NAME = "Inès"
SHARED_PAGE = "path=/lyon/&text=Le+comit%C3%A9+de+Lyon"


def build_outreach(world: World) -> None:
    """Lyon's Mastodon and Facebook accounts; Bob's draft (with an image), his post in
    review, a scheduled post with one target waiting to be posted by hand and one that
    failed; a campaign, Bob's short link, a charter page and question, Lyon's
    communication lead and Charlie's "Relais jeunes" offer."""
    mastodon = make_account(world.lyon, Network.MASTODON)
    facebook = make_account(world.lyon, Network.FACEBOOK, "colombe.lyon")
    draft = outreach_services.create_post(
        world.bob, structure=world.lyon, text=DRAFT_POST_TEXT, accounts=[mastodon]
    )
    add_image(draft, "L'affiche du rassemblement")
    in_review = outreach_services.create_post(
        world.bob, structure=world.lyon, text=REVIEWED_POST_TEXT, accounts=[mastodon]
    )
    outreach_services.submit_for_review(world.bob, in_review)
    scheduled = scheduled_post(world.lyon, [facebook], text=SCHEDULED_POST_TEXT, author=world.bob)
    PostTarget.objects.create(post=scheduled, account=mastodon, state=PostTarget.State.FAILED)
    today = timezone.localdate()
    Campaign.objects.create(
        title="Désarmement",
        slug=CAMPAIGN_SLUG,
        starts_on=today,
        ends_on=today + timedelta(days=30),
        created_by=world.alice,
    )
    ShortLink.objects.create(
        code=SHORT_LINK_CODE,
        target="/lyon/",
        title="Le tract de Lyon",
        structure=world.lyon,
        created_by=world.bob,
    )
    CharterPage.objects.create(
        title="Ton et style", slug=CHARTER_PAGE_SLUG, body="Simple.", body_html="<p>Simple.</p>"
    )
    ChecklistItem.objects.create(text=CHECKLIST_QUESTION)
    CommunicationRole.objects.create(
        user=factories.UserFactory.create(display_name=LYON_LEAD_NAME),
        structure=world.lyon,
        appointed_by=world.bob,
    )
    OutreachVolunteer.objects.create(user=world.charlie, creates_content=True)


def lyon_mastodon(scene: Any) -> dict[str, Any]:
    return {"pk": SocialAccount.objects.get(network=Network.MASTODON).pk}


def post_with_text(text: str) -> Post:
    return Post.objects.get(text=text)


def draft_post(scene: Any) -> dict[str, Any]:
    return {"pk": post_with_text(DRAFT_POST_TEXT).pk}


def reviewed_post(scene: Any) -> dict[str, Any]:
    return {"pk": post_with_text(REVIEWED_POST_TEXT).pk}


def scheduled_post_pk(scene: Any) -> dict[str, Any]:
    return {"pk": post_with_text(SCHEDULED_POST_TEXT).pk}


def draft_post_image(scene: Any) -> dict[str, Any]:
    post = post_with_text(DRAFT_POST_TEXT)
    return {"pk": post.pk, "image_pk": PostImage.objects.get(post=post).pk}


def scheduled_target(state: str) -> Any:
    def kwargs(scene: Any) -> dict[str, Any]:
        post = post_with_text(SCHEDULED_POST_TEXT)
        return {"pk": post.pk, "target_pk": post.targets.get(state=state).pk}

    return kwargs


def campaign(scene: Any) -> dict[str, Any]:
    return {"slug": CAMPAIGN_SLUG}


def short_link(scene: Any) -> dict[str, Any]:
    return {"code": SHORT_LINK_CODE}


def charter_page(scene: Any) -> dict[str, Any]:
    return {"slug": CHARTER_PAGE_SLUG}


def checklist_item(scene: Any) -> dict[str, Any]:
    return {"pk": ChecklistItem.objects.get(text=CHECKLIST_QUESTION).pk}


def lyon_lead_role(scene: Any) -> dict[str, Any]:
    return {"pk": CommunicationRole.objects.get(user__display_name=LYON_LEAD_NAME).pk}


# Training -------------------------------------------------------------------------------------

SESSION_SLUG = "atelier-visio"
PUBLISHED_GUIDE_TITLE = "Rejoindre une visio pas à pas"
PUBLISHED_GUIDE_SLUG = "rejoindre-une-visio"
# A draft guide is for the communication group (Alice) only, like a draft journal.
DRAFT_GUIDE_TITLE = "Guide Bécasseau-Sanderling"


def build_training(world: World, secret_video: MediaItem) -> tuple[Resource, Resource]:
    """Bob's coming session for Lyon (he is its trainer); Charlie's open request for help
    on a topic Bob helps with; a published guide whose archive video is the secret
    group's (only its members may see it there) and a draft guide."""
    topic = make_topic()
    make_session(world, slug=SESSION_SLUG, topic=topic)
    can_help(world.bob, topic)
    make_request(world.charlie, topic)
    published = Resource.objects.create(
        title=PUBLISHED_GUIDE_TITLE,
        slug=PUBLISHED_GUIDE_SLUG,
        summary="Cliquer sur le lien, autoriser le micro.",
        body="Cliquez sur le lien.",
        body_html="<p>Cliquez sur le lien.</p>",
        level=Level.BEGINNER,
        topic=topic,
        video=secret_video,
    )
    draft = Resource.objects.create(
        title=DRAFT_GUIDE_TITLE,
        slug="guide-en-preparation",
        summary="Pas encore relu.",
        body="À relire.",
        body_html="<p>À relire.</p>",
        level=Level.BEGINNER,
        is_published=False,
    )
    return published, draft


def session(scene: Any) -> dict[str, Any]:
    return {"slug": SESSION_SLUG}


def published_guide(scene: Any) -> dict[str, Any]:
    return {"slug": PUBLISHED_GUIDE_SLUG}


def charlies_request(scene: Any) -> dict[str, Any]:
    return {"pk": MentoringRequest.objects.get(requester=scene.world.charlie).pk}
