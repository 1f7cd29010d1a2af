"""The permission matrix: every URL of the project x every persona x every visibility.

URLs are discovered from the URL configuration, so a new URL without an entry in ROUTES
fails ``test_every_url_has_an_entry``. For each route, persona and visibility the test
asserts the status code, and for everyone outside the secret group it asserts that no
response body names it (name, slug or member count). Outsiders' requests to a secret
group's URLs must also be indistinguishable from requests to a group that does not exist,
for GET and for POST, and their POSTs must change nothing.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape

from colombe.accounts.models import User
from colombe.actions.models import Action
from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.models import AuditEntry
from colombe.groups.models import (
    Document,
    DocumentVersion,
    Group,
    GroupMembership,
    JoinRequest,
    Post,
    Visibility,
)
from colombe.journal.models import Edition
from colombe.mailing.models import Circular, CircularAttachment, MailingList, Newsletter
from colombe.mediatheque.models import Appearance, MediaItem, Subtitle
from colombe.meetings.models import Meeting, MeetingInvitation, Minutes, Recording
from colombe.movement.models import Membership, Territory
from colombe.outreach.models import PostTarget
from colombe.petitions import services
from colombe.petitions.models import Petition
from colombe.radio.models import Episode, HarborCredential, Show
from colombe.reports.models import ActionReport, ReportPhoto
from colombe.training.models import Resource
from tests import factories, matrix_scenes
from tests.matrix_scenes import (
    DRAFT_GUIDE_TITLE,
    PRINT_QUERY,
    SECRET_ACTION_TITLE,
    SHARED_PAGE,
    build_action,
    build_outreach,
    build_print_template,
    build_training,
)
from tests.personas import SECRET_GROUP_NAME, SECRET_GROUP_SLUG, World
from tests.reports import report

PERSONAS = ("anonymous", "eve", "charlie", "bob", "alice")
GROUP_MEMBERS = {"charlie", "bob"}  # charlie is a member of every group, bob their owner
VISIBILITIES = (Visibility.PUBLIC, Visibility.PRIVATE, Visibility.SECRET)
PUBLISHED, DRAFT = "published", "draft"
PETITION_STATES = (PUBLISHED, DRAFT)
# The draft petition is Lyon's (Bob leads Lyon) and organised with the secret group, which
# Charlie is only a member of: drafts are for organisers.
PETITION_ORGANISERS = {"bob", "alice"}
DRAFT_TITLE = "Brouillon Pétrel-Confidentiel"
# Ends with a date, so that it is also a well-formed field action's address (see
# colombe/actions/plan_urls.py) and the missing action can be compared with the secret one.
MISSING = "groupe-qui-n-existe-pas-2000-01-01"
# No other group or structure of the world has this many members, so the number in a page
# can only come from the secret group.
SECRET_GROUP_SIZE = 7
SECRET_GROUP_SIZE_RE = re.compile(rf"\b{SECRET_GROUP_SIZE}\s+(membres|members|personnes)\b")
MISSING_PK = 999_999
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082"
)
UNREACHABLE_JANUS = "http://127.0.0.1:1/janus|http://127.0.0.1:1/janus|http://127.0.0.1:1/admin"
# Each group has one meeting for its members (audience "owner"); the secret group's is as
# secret as the group: its title must never reach outsiders.
SECRET_MEETING_TITLE = "Réunion Albatros-Nocturne"
# Each group has one published action report; the secret group's is as secret as the group.
SECRET_REPORT_TITLE = "Tractage Martin-Pêcheur"
SECRET_CIRCULAR_SUBJECT = "Circulaire Héron-Cendré"
JOURNAL_DRAFT_TITLE = "Journal Sterne-Naine"
# Each group has one archive item filed for its members; the secret group's is as secret.
SECRET_MEDIA_TITLE = "Reportage Grand-Cormoran"

Expect = Callable[[str, str], int]  # (persona, visibility) -> status code


@dataclass
class Scene:
    """What a route's URL arguments are taken from, for one visibility."""

    world: World
    group: Group
    thread_pk: int
    post_pk: int
    document_pk: int
    join_request_pk: int
    charlie_membership_pk: int
    tag: str
    meeting: Meeting
    meeting_invitation_pk: int
    recording_pk: int
    report: ActionReport
    report_photo_pk: int
    circular: Circular
    circular_attachment_pk: int
    mailing_list: MailingList
    newsletter_pk: int
    media: MediaItem
    media_subtitle_pk: int
    media_appearance_pk: int
    action: Action
    action_slot_pk: int
    petition: Petition | None = None
    edition: Edition | None = None
    guide: Resource | None = None


@dataclass(frozen=True)
class Route:
    kwargs: Callable[[Scene], dict[str, Any]]
    expect: Expect
    # Routes whose URL names one group: checked for each visibility, and compared with a
    # group that does not exist.
    group_scoped: bool = False
    # Routes whose URL names one petition (or another thing that is published or a
    # draft): checked published and as a draft, and the draft compared with one that does
    # not exist.
    petition_scoped: bool = False
    # A query string the page needs (without the "?").
    query: str = ""

    @property
    def variants(self) -> tuple[str, ...]:
        if self.group_scoped:
            return VISIBILITIES
        if self.petition_scoped:
            return PETITION_STATES
        return (Visibility.PUBLIC,)


def no_kwargs(scene: Scene) -> dict[str, Any]:
    return {}


def slug(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.group.slug}


def slug_and(field: str) -> Callable[[Scene], dict[str, Any]]:
    return lambda scene: {"slug": scene.group.slug, "pk": getattr(scene, field)}


def lyon(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.world.lyon.slug}


def petition(scene: Scene) -> dict[str, Any]:
    assert scene.petition is not None
    return {"slug": scene.petition.slug}


def rhone(scene: Scene) -> dict[str, Any]:
    return {"slug": "rhone"}


def collective(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.world.collective.slug}


def meeting(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.meeting.slug}


def meeting_and(field: str) -> Callable[[Scene], dict[str, Any]]:
    return lambda scene: {"slug": scene.meeting.slug, "pk": getattr(scene, field)}


def action_report(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.report.slug}


def action_report_photo(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.report.slug, "pk": scene.report_photo_pk}


def circular(scene: Scene) -> dict[str, Any]:
    return {"pk": scene.circular.pk}


def circular_attachment(scene: Scene) -> dict[str, Any]:
    return {"pk": scene.circular.pk, "attachment_pk": scene.circular_attachment_pk}


def mailing_list(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.mailing_list.slug}


def newsletter(scene: Scene) -> dict[str, Any]:
    return {"pk": scene.newsletter_pk}


def edition(scene: Scene) -> dict[str, Any]:
    assert scene.edition is not None
    return {"number": scene.edition.number}


def edition_and_missing_pk(scene: Scene) -> dict[str, Any]:
    return {**edition(scene), "pk": MISSING_PK}


def media(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.media.slug}


def media_and(field: str) -> Callable[[Scene], dict[str, Any]]:
    return lambda scene: {"slug": scene.media.slug, "pk": getattr(scene, field)}


# The radio's show (Bob presents it) and its published episode; the radio has no group
# space: its routes are checked once.
RADIO_SHOW_SLUG = "voix-des-comites"


def radio_show(scene: Scene) -> dict[str, Any]:
    return {"slug": RADIO_SHOW_SLUG}


def radio_episode(scene: Scene) -> dict[str, Any]:
    return {"slug": RADIO_SHOW_SLUG, "number": 1}


def bobs_harbor_credential(scene: Scene) -> dict[str, Any]:
    return {"pk": HarborCredential.objects.get(user=scene.world.bob).pk}


def bad_token(scene: Scene) -> dict[str, Any]:
    return {"token": "not-a-valid-token"}


def lyon_and(pk_of: Callable[[World], int]) -> Callable[[Scene], dict[str, Any]]:
    return lambda scene: {"slug": scene.world.lyon.slug, "pk": pk_of(scene.world)}


def action(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.action.slug}


def action_slot(scene: Scene) -> dict[str, Any]:
    return {"slug": scene.action.slug, "pk": scene.action_slot_pk}


def action_share_image(scene: Scene) -> dict[str, Any]:
    return {"kind": "action", "pk": scene.action.pk}


def guide(scene: Scene) -> dict[str, Any]:
    assert scene.guide is not None
    return {"slug": scene.guide.slug}


# Expectations ---------------------------------------------------------------------------


def everyone(status: int = 200) -> Expect:
    return lambda persona, visibility: status


def logged_in(status: int = 200) -> Expect:
    return lambda persona, visibility: 302 if persona == "anonymous" else status


def by_persona(**statuses: int) -> Expect:
    return lambda persona, visibility: statuses[persona]


def knows_group(persona: str, visibility: str) -> bool:
    return visibility != Visibility.SECRET or persona in GROUP_MEMBERS


def in_group(then: Expect) -> Expect:
    """404 for anyone who may not know the group exists, ``then`` for the others."""
    return lambda persona, visibility: (
        then(persona, visibility) if knows_group(persona, visibility) else 404
    )


def readers(persona: str, visibility: str) -> int:
    """Content: everyone in a public group, members elsewhere (others: members-only page)."""
    return 200 if visibility == Visibility.PUBLIC or persona in GROUP_MEMBERS else 403


def members_only(member: int = 200, other: int = 403) -> Expect:
    return lambda persona, visibility: {
        "anonymous": 302,
        "bob": member,
        "charlie": member,
    }.get(persona, other)


def moderators(status: int = 200) -> Expect:
    return lambda persona, visibility: {"anonymous": 302, "bob": status}.get(persona, 403)


def post_only() -> Expect:
    return logged_in(405)


def content_post_only(persona: str, visibility: str) -> int:
    """POST-only actions on content: readers get 405 on GET, others the members-only page."""
    if persona == "anonymous":
        return 302
    return 405 if readers(persona, visibility) == 200 else 403


admins_only = by_persona(anonymous=302, eve=403, charlie=403, bob=403, alice=200)


def leaders_of_lyon(persona: str, visibility: str) -> int:
    return {"anonymous": 302, "bob": 200, "alice": 200}.get(persona, 403)


def knows_petition(persona: str, state: str) -> bool:
    return state == PUBLISHED or persona in PETITION_ORGANISERS


def in_petition(then: Expect) -> Expect:
    """404 for anyone who may not know the petition exists, ``then`` for the others."""
    return lambda persona, state: then(persona, state) if knows_petition(persona, state) else 404


def organisers(status: int = 200) -> Expect:
    return lambda persona, state: {"anonymous": 302, "bob": status, "alice": status}.get(
        persona, 403
    )


def knows_meeting(persona: str, visibility: str) -> bool:
    """A members' meeting of a group: its members, and national administrators unless the
    group is secret."""
    return persona in GROUP_MEMBERS or (persona == "alice" and visibility != Visibility.SECRET)


def in_meeting(then: Expect) -> Expect:
    """404 for anyone who may not know the meeting exists, ``then`` for the others."""
    return lambda persona, visibility: (
        then(persona, visibility) if knows_meeting(persona, visibility) else 404
    )


def meeting_organisers(persona: str, visibility: str) -> int:
    """Bob owns every group; Charlie is a member who may see but not organise."""
    return 200 if persona in {"bob", "alice"} else 403


def knows_report(persona: str, visibility: str) -> bool:
    """A public group's report is public; a private or secret group's is for its members
    (the group's content: national administrators are not members)."""
    return visibility == Visibility.PUBLIC or persona in GROUP_MEMBERS


def in_report(then: Expect) -> Expect:
    return lambda persona, visibility: (
        then(persona, visibility) if knows_report(persona, visibility) else 404
    )


def report_editors(persona: str, visibility: str) -> int:
    """Bob wrote it and leads Lyon; Alice administers; members and outsiders may not."""
    return {"anonymous": 302, "bob": 200, "alice": 200}.get(persona, 403)


def knows_circular(persona: str, visibility: str) -> bool:
    """A circular to a group's members: they know it, and national administrators unless
    the group is secret."""
    return persona in GROUP_MEMBERS or (persona == "alice" and visibility != Visibility.SECRET)


def in_circular(then: Expect) -> Expect:
    return lambda persona, visibility: (
        then(persona, visibility) if knows_circular(persona, visibility) else 404
    )


def knows_media(persona: str, visibility: str) -> bool:
    """An item filed for a group's members: only they know it, whatever the group's
    visibility (national administrators outside the group included)."""
    return persona in GROUP_MEMBERS


def in_media(then: Expect) -> Expect:
    return lambda persona, visibility: (
        then(persona, visibility) if knows_media(persona, visibility) else 404
    )


# Bob filed every group's item; Charlie may see it but not change it.
media_editors = by_persona(anonymous=302, eve=403, charlie=403, bob=200, alice=403)
# POST-only changes: refused to Charlie before the method matters.
media_editors_post_only = by_persona(anonymous=302, eve=403, charlie=403, bob=405, alice=403)
radio_presenters = by_persona(anonymous=302, eve=403, charlie=403, bob=200, alice=200)
radio_managers = by_persona(anonymous=302, eve=403, charlie=403, bob=403, alice=200)


def radio_relay_start(persona: str, visibility: str) -> int:
    """The meeting first (404 to whoever may not know it), then presenters only (Charlie
    presents no show); a members' meeting is no public webinar: the studio says why."""
    return in_meeting(by_persona(anonymous=302, eve=403, charlie=403, bob=302, alice=302))(
        persona, visibility
    )


def members_of_the_movement(status: int = 200) -> Expect:
    """Eve belongs to no structure."""
    return by_persona(anonymous=302, eve=403, charlie=status, bob=status, alice=status)


def newsletter_managers(other: int = 404) -> Expect:
    """The Lyon list's newsletters are for its managers: Bob leads Lyon, Alice
    administers; Charlie may see the list (403 when he tries to write), Eve may not."""
    return by_persona(anonymous=302, eve=404, charlie=other, bob=200, alice=200)


def knows_action(persona: str, visibility: str) -> bool:
    """The public scene's action is public; an action in a group's space is for the
    group's members only (national administrators outside it included)."""
    return visibility == Visibility.PUBLIC or persona in GROUP_MEMBERS


def in_action(then: Expect) -> Expect:
    return lambda persona, visibility: (
        then(persona, visibility) if knows_action(persona, visibility) else 404
    )


def public_only(persona: str, visibility: str) -> int:
    """A share image exists for a public page only, members included."""
    return 200 if visibility == Visibility.PUBLIC else 404


def members_object(charlie: int = 200, bob: int = 200, alice: int = 200) -> Expect:
    """One thing of the movement's internal tools (an account, a post, a campaign, a
    charter page): it does not exist for visitors and outsiders, who get 404 before any
    login."""
    return by_persona(anonymous=404, eve=404, charlie=charlie, bob=bob, alice=alice)


def members_thing_after_login(charlie: int = 200, bob: int = 200, alice: int = 200) -> Expect:
    """The same, for pages that ask anonymous visitors to log in first."""
    return by_persona(anonymous=302, eve=404, charlie=charlie, bob=bob, alice=alice)


def in_guide(persona: str, state: str) -> int:
    """Guides are public once published; a draft exists for the communication group
    (Alice) only."""
    return 200 if state == PUBLISHED or persona == "alice" else 404


def in_edition(draft: Expect, published: Expect) -> Expect:
    """Journal editions: a draft exists only for the editorial team (Alice); a published
    one is public but no longer changes."""
    return lambda persona, state: (published if state == PUBLISHED else draft)(persona, state)


def editors_only(status: int) -> Expect:
    return lambda persona, state: status if persona == "alice" else 404


after_publishing = by_persona(anonymous=302, eve=403, charlie=403, bob=403, alice=403)

JOURNAL_EDITING = [
    "update_details",
    "add_report",
    "add_section",
    "comment",
    "to_proofreading",
    "to_draft",
]
JOURNAL_EDITING_WITH_PK = [
    "update_item",
    "move_item_up",
    "move_item_down",
    "remove_item",
    "move_section_up",
    "move_section_down",
    "remove_section",
]


def only_alice(status: int, others: int) -> Expect:
    return lambda persona, visibility: status if persona == "alice" else others


ANYMAIL_PROVIDERS = [
    "amazon_ses",
    "brevo",
    "mailersend",
    "mailgun",
    "mailjet",
    "mailtrap",
    "mandrill",
    "postal",
    "postmark",
    "resend",
    "sendgrid",
    "sendinblue",
    "sparkpost",
    "unisender_go",
]

ROUTES: dict[str, Route] = {
    # core
    "core:home": Route(no_kwargs, everyone()),
    "core:search": Route(no_kwargs, everyone()),
    "core:privacy": Route(no_kwargs, everyone()),
    "core:audit_log": Route(no_kwargs, admins_only),
    "core:hashtag": Route(lambda s: {"name": s.tag}, in_group(everyone()), group_scoped=True),
    "sitemap": Route(no_kwargs, everyone()),
    "set_language": Route(no_kwargs, everyone(302)),
    # accounts (Colombe's pages)
    "accounts:me": Route(no_kwargs, logged_in()),
    "accounts:edit_profile": Route(no_kwargs, logged_in()),
    "accounts:consents": Route(no_kwargs, logged_in()),
    # Exporting personal data asks for the password again (a forced login is not recent).
    "accounts:my_data": Route(no_kwargs, everyone(302)),
    "accounts:download_my_data": Route(no_kwargs, post_only()),
    "accounts:delete_account": Route(no_kwargs, logged_in()),
    # Charlie's profile is visible to the members of his committee (and administrators).
    "accounts:profile": Route(
        lambda s: {"pk": s.world.charlie.pk},
        by_persona(anonymous=404, eve=404, charlie=200, bob=200, alice=200),
    ),
    # accounts (allauth)
    "account_login": Route(
        no_kwargs, by_persona(anonymous=200, eve=302, charlie=302, bob=302, alice=302)
    ),
    "account_logout": Route(no_kwargs, logged_in()),
    "account_inactive": Route(no_kwargs, everyone()),
    "account_signup": Route(
        no_kwargs, by_persona(anonymous=200, eve=302, charlie=302, bob=302, alice=302)
    ),
    "account_reauthenticate": Route(no_kwargs, logged_in()),
    "account_request_reauthentication_code": Route(no_kwargs, everyone(302)),
    "account_confirm_reauthentication_code": Route(no_kwargs, everyone(302)),
    "account_email": Route(no_kwargs, logged_in()),
    "account_email_verification_sent": Route(no_kwargs, everyone()),
    "account_change_password": Route(no_kwargs, logged_in()),
    "account_set_password": Route(no_kwargs, logged_in(302)),
    "account_reset_password": Route(no_kwargs, everyone()),
    "account_confirm_login_code": Route(no_kwargs, everyone(302)),
    "account_confirm_email": Route(lambda s: {"key": "not-a-real-key"}, everyone()),
    "account_reset_password_from_key_done": Route(no_kwargs, everyone()),
    "account_reset_password_from_key": Route(
        lambda s: {"uidb36": "zz", "key": "not-a-key"}, everyone()
    ),
    "account_reset_password_done": Route(no_kwargs, everyone()),
    "mfa_index": Route(no_kwargs, logged_in()),
    "mfa_authenticate": Route(no_kwargs, everyone(302)),
    "mfa_reauthenticate": Route(no_kwargs, only_alice(200, others=302)),
    "mfa_activate_totp": Route(
        no_kwargs, by_persona(anonymous=302, eve=302, charlie=302, bob=302, alice=302)
    ),
    "mfa_deactivate_totp": Route(
        no_kwargs, by_persona(anonymous=302, eve=404, charlie=404, bob=404, alice=302)
    ),
    "mfa_view_recovery_codes": Route(no_kwargs, logged_in(404)),
    "mfa_generate_recovery_codes": Route(no_kwargs, everyone(302)),
    "mfa_download_recovery_codes": Route(no_kwargs, logged_in(404)),
    "usersessions_list": Route(no_kwargs, logged_in()),
    # movement: structures are public; their member lists and management are not.
    "movement:directory": Route(no_kwargs, everyone()),
    "movement:working_groups": Route(no_kwargs, everyone()),
    "movement:collectives": Route(no_kwargs, everyone()),
    "movement:structure": Route(lyon, everyone()),
    "movement:contact": Route(lyon, everyone()),
    "movement:structure_create": Route(no_kwargs, admins_only),
    "movement:structure_edit": Route(lyon, admins_only),
    "movement:members": Route(
        lyon, by_persona(anonymous=302, eve=403, charlie=200, bob=200, alice=200)
    ),
    "movement:join": Route(
        lyon, by_persona(anonymous=302, eve=200, charlie=302, bob=302, alice=200)
    ),
    "movement:leave": Route(
        lyon, by_persona(anonymous=302, eve=302, charlie=200, bob=200, alice=302)
    ),
    "movement:approve": Route(lyon_and(lambda w: dana_request(w)), post_only()),
    "movement:reject": Route(lyon_and(lambda w: dana_request(w)), post_only()),
    "movement:name_relay": Route(lyon_and(lambda w: charlie_in_lyon(w)), post_only()),
    "movement:remove_relay": Route(lyon_and(lambda w: charlie_in_lyon(w)), post_only()),
    "movement:change_role": Route(lyon_and(lambda w: charlie_in_lyon(w)), post_only()),
    "movement:description_edit": Route(lyon, leaders_of_lyon),
    "movement:remove_member": Route(lyon_and(lambda w: charlie_in_lyon(w)), leaders_of_lyon),
    "movement:territory_coordinators": Route(rhone, admins_only),
    "movement:territory_coordinator_add": Route(rhone, post_only()),
    "movement:territory_coordinator_remove": Route(
        lambda s: {"slug": "rhone", "user_pk": coordinator_of_rhone().pk},
        admins_only,
    ),
    "movement:partners": Route(collective, admins_only),
    "movement:partner_add": Route(collective, post_only()),
    "movement:partner_create": Route(collective, admins_only),
    "movement:partner_remove": Route(
        lambda s: {"slug": s.world.collective.slug, "pk": s.world.collective.partners.get().pk},
        admins_only,
    ),
    "movement:territories": Route(no_kwargs, admins_only),
    "movement:territory_create": Route(no_kwargs, admins_only),
    "movement:territory_edit": Route(
        lambda s: {"slug": "rhone"},
        admins_only,
    ),
    # meetings: a group's members' meeting, for each group visibility.
    "meetings:agenda": Route(no_kwargs, everyone()),
    "meetings:create": Route(no_kwargs, logged_in()),
    "meetings:feed_settings": Route(no_kwargs, logged_in()),
    "meetings:feed_revoke": Route(no_kwargs, logged_in()),
    "meetings:my_feed": Route(lambda s: {"token": "not-a-valid-token"}, everyone(404)),
    "meetings:detail": Route(meeting, in_meeting(everyone()), group_scoped=True),
    "meetings:ical": Route(meeting, in_meeting(everyone()), group_scoped=True),
    **{
        f"meetings:{name}": Route(meeting, in_meeting(meeting_organisers), group_scoped=True)
        for name in [
            "edit",
            "cancel",
            "invitations",
            "attendance",
            "minutes",
            "minutes_edit",
            "minutes_publish",
        ]
    },
    "meetings:invitation_revoke": Route(
        meeting_and("meeting_invitation_pk"), in_meeting(meeting_organisers), group_scoped=True
    ),
    # Finished recordings are for everyone who may see the meeting.
    "meetings:recording_file": Route(
        meeting_and("recording_pk"), in_meeting(everyone()), group_scoped=True
    ),
    # POST only: the method is checked before the meeting is looked up, for everyone.
    **{
        f"meetings:{name}": Route(meeting, everyone(405), group_scoped=True)
        for name in ["register", "unregister", "invite_members", "invite_partner"]
    },
    "meetings:invitation_resend": Route(
        meeting_and("meeting_invitation_pk"), everyone(405), group_scoped=True
    ),
    # The room, without a seat in the session. The matrix points at a Janus that does not
    # answer: those who may join get the plain "engine unreachable" page.
    "meetings:invitation": Route(lambda s: {"token": "not-a-valid-token"}, everyone(404)),
    # Called by a LiveKit server (POST, signed).
    "meetings:livekit_webhook": Route(no_kwargs, everyone(405)),
    "meetings:lobby": Route(meeting, in_meeting(everyone(503)), group_scoped=True),
    "meetings:room": Route(meeting, in_meeting(everyone(302)), group_scoped=True),
    "meetings:room_state": Route(meeting, everyone(404), group_scoped=True),
    "meetings:end": Route(meeting, everyone(404), group_scoped=True),
    **{
        f"meetings:{name}": Route(meeting, everyone(405), group_scoped=True)
        for name in [
            "chat_post",
            "hand",
            "published",
            "leave",
            "moderate",
            "recording_toggle",
        ]
    },
    # reports: one published report in each group's space.
    "reports:feed": Route(no_kwargs, everyone()),
    "reports:feed_atom": Route(no_kwargs, everyone()),
    "reports:committee": Route(lyon, everyone()),
    "reports:committee_atom": Route(lyon, everyone()),
    "reports:hashtag_atom": Route(lambda s: {"name": "paix"}, everyone()),
    "reports:create": Route(no_kwargs, logged_in()),
    "reports:drafts": Route(no_kwargs, logged_in()),
    "reports:autosave_new": Route(no_kwargs, post_only()),
    "reports:detail": Route(action_report, in_report(everyone()), group_scoped=True),
    "reports:photo": Route(action_report_photo, in_report(everyone()), group_scoped=True),
    "reports:thumbnail": Route(action_report_photo, in_report(everyone()), group_scoped=True),
    "reports:edit": Route(action_report, in_report(report_editors), group_scoped=True),
    "reports:hide_comment": Route(
        lambda s: {"slug": s.report.slug, "pk": MISSING_PK},
        in_report(post_only()),
        group_scoped=True,
    ),
    "reports:delete": Route(action_report, in_report(report_editors), group_scoped=True),
    **{
        f"reports:{name}": Route(action_report, in_report(post_only()), group_scoped=True)
        for name in ["autosave", "publish", "react", "comment", "reuse"]
    },
    "reports:remove_photo": Route(
        action_report_photo, in_report(report_editors), group_scoped=True
    ),
    # petitions: published ones are public; drafts are for their organisers.
    "petitions:list": Route(no_kwargs, everyone()),
    "petitions:altcha_challenge": Route(no_kwargs, everyone()),
    "petitions:confirm": Route(lambda s: {"token": "not-a-valid-token"}, everyone(404)),
    "petitions:withdraw": Route(lambda s: {"token": "not-a-valid-token"}, everyone(404)),
    "petitions:mine": Route(no_kwargs, logged_in()),
    "petitions:create": Route(no_kwargs, leaders_of_lyon),
    "petitions:detail": Route(petition, in_petition(everyone()), petition_scoped=True),
    # Asked for with GET (a language switch after signing): back to the petition's page.
    "petitions:sign": Route(petition, in_petition(everyone(302)), petition_scoped=True),
    "petitions:counter": Route(petition, in_petition(everyone()), petition_scoped=True),
    "petitions:og_image": Route(petition, in_petition(everyone()), petition_scoped=True),
    "petitions:widget": Route(petition, in_petition(everyone()), petition_scoped=True),
    "petitions:share_mastodon": Route(petition, in_petition(everyone()), petition_scoped=True),
    **{
        f"petitions:{name}": Route(petition, in_petition(organisers()), petition_scoped=True)
        for name in [
            "manage",
            "edit",
            "history",
            "stats",
            "export_csv",
            "delivery_csv",
            "paper_sheet",
            "paper_import",
            "paper_entry",
        ]
    },
    "petitions:paper_report": Route(petition, in_petition(organisers(302)), petition_scoped=True),
    "petitions:publish": Route(petition, in_petition(organisers()), petition_scoped=True),
    "petitions:close": Route(petition, in_petition(organisers()), petition_scoped=True),
    # mailing: circulars (one sent to each group's members, with an attachment), the
    # coverage page, newsletters (a members-only list of the Lyon committee).
    "mailing:circulars": Route(no_kwargs, logged_in()),
    "mailing:circular_create": Route(no_kwargs, admins_only),
    "mailing:circular": Route(circular, in_circular(everyone()), group_scoped=True),
    "mailing:circular_attachment": Route(
        circular_attachment, in_circular(everyone()), group_scoped=True
    ),
    **{
        f"mailing:{name}": Route(circular, in_circular(everyone(403)), group_scoped=True)
        for name in ["circular_edit", "circular_forward"]
    },
    # Sending or scheduling a circular already sent is refused before the method matters.
    **{
        f"mailing:{name}": Route(circular, in_circular(everyone(403)), group_scoped=True)
        for name in ["circular_send", "circular_schedule"]
    },
    **{
        f"mailing:{name}": Route(circular, in_circular(everyone(405)), group_scoped=True)
        for name in ["circular_test", "circular_unschedule"]
    },
    "mailing:circular_acknowledge": Route(bad_token, everyone(404)),
    "mailing:coverage": Route(no_kwargs, admins_only),
    "mailing:lists": Route(no_kwargs, everyone()),
    "mailing:list_create": Route(no_kwargs, leaders_of_lyon),
    # A members-only list does not exist for outsiders; POST-only actions answer 405
    # before anything is looked up.
    "mailing:list": Route(
        mailing_list, by_persona(anonymous=404, eve=404, charlie=200, bob=200, alice=200)
    ),
    "mailing:list_subscribe": Route(mailing_list, everyone(405)),
    "mailing:list_join": Route(mailing_list, logged_in(405)),
    "mailing:list_leave": Route(mailing_list, logged_in(405)),
    "mailing:newsletter_write": Route(mailing_list, newsletter_managers(other=403)),
    **{
        f"mailing:{name}": Route(newsletter, newsletter_managers())
        for name in ["newsletter", "newsletter_edit", "newsletter_send"]
    },
    **{
        f"mailing:{name}": Route(newsletter, logged_in(405))
        for name in ["newsletter_test", "newsletter_unschedule"]
    },
    "mailing:confirm_subscription": Route(bad_token, everyone(404)),
    "mailing:unsubscribe": Route(bad_token, everyone(404)),
    "mailing:preferences": Route(bad_token, everyone(404)),
    # Providers' bounce webhooks exist only when ANYMAIL_WEBHOOK_SECRET is set.
    **{
        f"mailing:anymail:{provider}_tracking_webhook": Route(no_kwargs, everyone(404))
        for provider in ANYMAIL_PROVIDERS
    },
    # journal: one draft and one published edition (see docs/journal.md)
    "journal:archive": Route(no_kwargs, everyone()),
    "journal:atom": Route(no_kwargs, everyone()),
    "journal:open": Route(no_kwargs, admins_only),
    "journal:team": Route(no_kwargs, admins_only),
    "journal:remove_editor": Route(lambda s: {"pk": MISSING_PK}, logged_in(405)),
    **{
        f"journal:{name}": Route(
            edition, in_edition(editors_only(200), everyone()), petition_scoped=True
        )
        for name in ["edition", "pdf_status"]
    },
    # No PDF has been made in this scene.
    "journal:pdf": Route(edition, everyone(404), petition_scoped=True),
    "journal:edit": Route(
        edition, in_edition(editors_only(200), after_publishing), petition_scoped=True
    ),
    "journal:publish": Route(
        edition, in_edition(editors_only(403), after_publishing), petition_scoped=True
    ),
    "journal:pdf_generate": Route(
        edition,
        in_edition(
            editors_only(405), by_persona(anonymous=302, eve=403, charlie=403, bob=403, alice=405)
        ),
        petition_scoped=True,
    ),
    **{
        f"journal:{name}": Route(
            edition, in_edition(editors_only(405), after_publishing), petition_scoped=True
        )
        for name in JOURNAL_EDITING
    },
    **{
        f"journal:{name}": Route(
            edition_and_missing_pk,
            in_edition(editors_only(405), after_publishing),
            petition_scoped=True,
        )
        for name in JOURNAL_EDITING_WITH_PK
    },
    # mediatheque: one item filed for each group's members, with its files.
    "mediatheque:index": Route(no_kwargs, everyone()),
    "mediatheque:press": Route(no_kwargs, everyone()),
    "mediatheque:add": Route(no_kwargs, members_of_the_movement()),
    # POST only: the method is checked before the recording is looked up, for everyone.
    "mediatheque:archive_recording": Route(
        lambda s: {"pk": s.recording_pk}, everyone(405), group_scoped=True
    ),
    **{
        f"mediatheque:{name}": Route(media, in_media(everyone()), group_scoped=True)
        for name in ["detail", "poster"]
    },
    # A video's original (with its source's metadata) is for its editors only.
    "mediatheque:file": Route(
        lambda s: {**media(s), "which": "original"},
        in_media(by_persona(anonymous=404, eve=404, charlie=404, bob=200, alice=404)),
        group_scoped=True,
    ),
    "mediatheque:subtitle": Route(
        media_and("media_subtitle_pk"), in_media(everyone()), group_scoped=True
    ),
    **{
        f"mediatheque:{name}": Route(media, in_media(media_editors), group_scoped=True)
        for name in ["edit", "delete", "progress"]
    },
    **{
        f"mediatheque:{name}": Route(media, in_media(media_editors_post_only), group_scoped=True)
        for name in ["add_subtitle", "add_appearance"]
    },
    "mediatheque:remove_subtitle": Route(
        media_and("media_subtitle_pk"), in_media(media_editors_post_only), group_scoped=True
    ),
    "mediatheque:remove_appearance": Route(
        media_and("media_appearance_pk"), in_media(media_editors_post_only), group_scoped=True
    ),
    # radio: listeners' pages, presenters' episodes, the programme's management, the studio.
    "radio:player": Route(no_kwargs, everyone()),
    **{f"radio:{name}": Route(radio_show, everyone()) for name in ["show", "artwork", "feed"]},
    **{f"radio:{name}": Route(radio_episode, everyone()) for name in ["episode", "episode_audio"]},
    "radio:episode_create": Route(radio_show, radio_presenters),
    **{
        f"radio:{name}": Route(radio_episode, radio_presenters)
        for name in ["episode_edit", "episode_publish", "episode_unpublish", "episode_delete"]
    },
    "radio:archive_episode": Route(
        radio_episode, by_persona(anonymous=302, eve=403, charlie=403, bob=405, alice=405)
    ),
    "radio:manage": Route(no_kwargs, radio_managers),
    "radio:show_create": Route(no_kwargs, radio_managers),
    "radio:show_edit": Route(radio_show, radio_managers),
    "radio:slot_add": Route(no_kwargs, post_only()),
    "radio:playlist_add": Route(no_kwargs, post_only()),
    **{
        f"radio:{name}": Route(lambda s: {"pk": MISSING_PK}, post_only())
        for name in ["slot_remove", "playlist_move", "playlist_remove"]
    },
    "radio:studio": Route(no_kwargs, radio_presenters),
    "radio:credential_create": Route(no_kwargs, post_only()),
    "radio:credential_revoke": Route(
        bobs_harbor_credential, by_persona(anonymous=302, eve=403, charlie=403, bob=200, alice=404)
    ),
    # Relaying a meeting on the radio: the scene's meeting (not relayable), no relay on air.
    "radio:relay_start": Route(meeting, radio_relay_start, group_scoped=True),
    "radio:relay_stop": Route(lambda s: {"pk": MISSING_PK}, logged_in(404)),
    # Liquidsoap's callbacks answer POST only (with the shared secret); the player's JSON.
    **{
        f"radio:{name}": Route(no_kwargs, everyone(405))
        for name in ["harbor_auth", "harbor_connected", "harbor_disconnected"]
    },
    "radio:now_playing": Route(no_kwargs, everyone()),
    # hashtags and interests
    "core:hashtag_follow": Route(
        lambda s: {"name": s.tag}, in_group(post_only()), group_scoped=True
    ),
    "core:hashtag_unfollow": Route(
        lambda s: {"name": s.tag}, in_group(post_only()), group_scoped=True
    ),
    "core:interests": Route(no_kwargs, members_of_the_movement()),
    # Charlie shows his interests (set up in build_scenes); writing to oneself is 404.
    "core:interests_contact": Route(
        lambda s: {"pk": s.world.charlie.pk},
        by_persona(anonymous=302, eve=403, charlie=404, bob=200, alice=200),
    ),
    "core:digest_unsubscribe": Route(bad_token, everyone(404)),
    # groups
    "groups:list": Route(no_kwargs, everyone()),
    "groups:create": Route(
        no_kwargs, by_persona(anonymous=302, eve=403, charlie=403, bob=200, alice=200)
    ),
    "groups:accept_invitation": Route(lambda s: {"token": "not-a-valid-token"}, everyone(404)),
    "groups:detail": Route(slug, in_group(everyone()), group_scoped=True),
    "groups:edit": Route(slug, in_group(moderators()), group_scoped=True),
    "groups:invite": Route(slug, in_group(moderators()), group_scoped=True),
    "groups:join": Route(
        slug,
        in_group(by_persona(anonymous=302, eve=200, charlie=403, bob=403, alice=200)),
        group_scoped=True,
    ),
    "groups:leave": Route(slug, in_group(members_only()), group_scoped=True),
    "groups:manage": Route(slug, in_group(moderators()), group_scoped=True),
    "groups:revoke_invitation": Route(
        lambda s: {"slug": s.group.slug, "pk": MISSING_PK}, in_group(post_only()), group_scoped=True
    ),
    "groups:approve_request": Route(
        slug_and("join_request_pk"), in_group(post_only()), group_scoped=True
    ),
    "groups:reject_request": Route(
        slug_and("join_request_pk"), in_group(post_only()), group_scoped=True
    ),
    "groups:members": Route(slug, in_group(members_only()), group_scoped=True),
    "groups:remove_member": Route(
        slug_and("charlie_membership_pk"), in_group(moderators()), group_scoped=True
    ),
    "groups:change_role": Route(
        slug_and("charlie_membership_pk"), in_group(post_only()), group_scoped=True
    ),
    "groups:threads": Route(slug, in_group(readers), group_scoped=True),
    "groups:new_thread": Route(slug, in_group(members_only()), group_scoped=True),
    "groups:thread": Route(slug_and("thread_pk"), in_group(readers), group_scoped=True),
    "groups:reply": Route(slug_and("thread_pk"), in_group(content_post_only), group_scoped=True),
    "groups:edit_post": Route(
        slug_and("post_pk"),
        in_group(by_persona(anonymous=302, eve=403, charlie=403, bob=200, alice=403)),
        group_scoped=True,
    ),
    "groups:delete_post": Route(
        slug_and("post_pk"),
        in_group(by_persona(anonymous=302, eve=403, charlie=403, bob=200, alice=403)),
        group_scoped=True,
    ),
    "groups:unhide_post": Route(
        slug_and("post_pk"), in_group(content_post_only), group_scoped=True
    ),
    "groups:hide_post": Route(slug_and("post_pk"), in_group(content_post_only), group_scoped=True),
    "groups:documents": Route(slug, in_group(readers), group_scoped=True),
    "groups:upload": Route(slug, in_group(members_only()), group_scoped=True),
    "groups:document": Route(slug_and("document_pk"), in_group(readers), group_scoped=True),
    "groups:new_version": Route(
        slug_and("document_pk"), in_group(members_only()), group_scoped=True
    ),
    "groups:download": Route(
        lambda s: {"slug": s.group.slug, "pk": s.document_pk, "number": 1},
        in_group(readers),
        group_scoped=True,
    ),
    # actions: Bob's action with one slot, for each group visibility (see build_action).
    "actions:agenda": Route(no_kwargs, everyone()),
    "actions:ical": Route(no_kwargs, everyone()),
    "actions:days": Route(no_kwargs, everyone()),
    "actions:day": Route(matrix_scenes.national_day_slug, everyone()),
    "actions:day_create": Route(no_kwargs, admins_only),
    "actions:day_edit": Route(matrix_scenes.national_day_slug, admins_only),
    "actions:create": Route(no_kwargs, members_of_the_movement()),
    "actions:detail": Route(action, in_action(everyone()), group_scoped=True),
    # Bob planned every action and leads Lyon; Charlie may see them, not organise them.
    **{
        f"actions:{name}": Route(action, in_action(leaders_of_lyon), group_scoped=True)
        for name in ["edit", "cancel", "slot_add", "volunteers", "volunteer_sheet"]
    },
    **{
        f"actions:{name}": Route(action_slot, in_action(leaders_of_lyon), group_scoped=True)
        for name in ["slot_edit", "slot_remove"]
    },
    # POST only: the method is checked before the action is looked up, for everyone.
    **{
        f"actions:{name}": Route(action_slot, everyone(405), group_scoped=True)
        for name in ["sign_up", "withdraw"]
    },
    "actions:to_report": Route(action, everyone(405), group_scoped=True),
    # Printing: committees' members print the national office's templates for their own.
    "actions:print_material": Route(no_kwargs, members_of_the_movement()),
    "actions:print_pdf": Route(no_kwargs, members_of_the_movement(), query=PRINT_QUERY),
    "actions:print_templates": Route(no_kwargs, members_of_the_movement()),
    "actions:print_template_image": Route(matrix_scenes.print_template, members_of_the_movement()),
    "actions:print_template_create": Route(no_kwargs, admins_only),
    **{
        f"actions:{name}": Route(matrix_scenes.print_template, admins_only)
        for name in ["print_template_edit", "print_template_delete"]
    },
    # outreach: the communication hub, the registry (Lyon's Mastodon account), the charter.
    **{
        f"outreach:{name}": Route(no_kwargs, members_of_the_movement())
        for name in [
            "home",
            "accounts",
            "nonconforming",
            "naming_rules",
            "charter",
            "team",
            "volunteer",
        ]
    },
    **{
        f"outreach:{name}": Route(matrix_scenes.lyon_mastodon, members_object())
        for name in ["account", "account_avatar", "account_banner"]
    },
    # Accounts are kept by their structure's leaders and the communication group (Alice).
    "outreach:account_create": Route(no_kwargs, leaders_of_lyon),
    **{
        f"outreach:{name}": Route(matrix_scenes.lyon_mastodon, members_object(charlie=403))
        for name in ["account_edit", "account_delete"]
    },
    # Giving Colombe an account's keys is for the communication group only.
    **{
        f"outreach:{name}": Route(matrix_scenes.lyon_mastodon, members_object(charlie=403, bob=403))
        for name in ["account_connect", "account_disconnect"]
    },
    "outreach:naming_rule": Route(lambda s: {"kind": "committee"}, admins_only),
    "outreach:charter_page": Route(matrix_scenes.charter_page, members_object()),
    "outreach:charter_page_create": Route(no_kwargs, admins_only),
    **{
        f"outreach:{name}": Route(matrix_scenes.charter_page, members_object(charlie=403, bob=403))
        for name in ["charter_page_edit", "charter_page_delete"]
    },
    "outreach:checklist": Route(no_kwargs, admins_only),
    "outreach:checklist_item_edit": Route(matrix_scenes.checklist_item, admins_only),
    # POST only: the method is checked before the item, and who asks, are.
    **{
        f"outreach:{name}": Route(matrix_scenes.checklist_item, post_only())
        for name in ["checklist_item_move", "checklist_item_retire", "checklist_item_restore"]
    },
    # The team: members see it; POST-only appointing; Bob takes back Lyon's lead.
    "outreach:team_add": Route(no_kwargs, members_of_the_movement(405)),
    "outreach:team_remove": Route(matrix_scenes.lyon_lead_role, leaders_of_lyon),
    # Charlie offered to help ("Relais jeunes"); the others have nothing to withdraw.
    "outreach:volunteer_withdraw": Route(
        no_kwargs, by_persona(anonymous=302, eve=403, charlie=200, bob=302, alice=302)
    ),
    "outreach:volunteers": Route(no_kwargs, admins_only),
    # Posts: Bob's Lyon draft with an image, his post in review (nobody reviews their own:
    # Alice does), a scheduled Lyon post with a target to post by hand and a failed one.
    **{
        f"outreach:{name}": Route(no_kwargs, members_of_the_movement())
        for name in ["posts", "post_create", "calendar", "campaigns"]
    },
    **{
        f"outreach:{name}": Route(matrix_scenes.draft_post, members_object())
        for name in ["post", "post_edit"]
    },
    "outreach:post_image": Route(matrix_scenes.draft_post_image, members_object()),
    "outreach:post_delete": Route(matrix_scenes.draft_post, members_object(charlie=403)),
    # POST only, checked once the post is found: those who may read it get 405.
    **{
        f"outreach:{name}": Route(matrix_scenes.draft_post, members_object(405, 405, 405))
        for name in ["post_submit", "post_comment"]
    },
    "outreach:post_image_remove": Route(
        matrix_scenes.draft_post_image, members_object(405, 405, 405)
    ),
    "outreach:post_review": Route(
        matrix_scenes.reviewed_post, members_object(charlie=403, bob=403)
    ),
    "outreach:post_unschedule": Route(
        matrix_scenes.scheduled_post_pk, members_object(405, 405, 405)
    ),
    "outreach:target_record": Route(
        matrix_scenes.scheduled_target(PostTarget.State.PENDING), members_object()
    ),
    "outreach:target_retry": Route(
        matrix_scenes.scheduled_target(PostTarget.State.FAILED), members_object(405, 405, 405)
    ),
    "outreach:campaign_create": Route(no_kwargs, admins_only),
    "outreach:campaign": Route(matrix_scenes.campaign, members_object()),
    "outreach:campaign_edit": Route(matrix_scenes.campaign, members_object(charlie=403, bob=403)),
    "outreach:campaign_delete": Route(matrix_scenes.campaign, members_object(charlie=403, bob=403)),
    # Sharing: the Mastodon chooser for a page of the site; share images of public pages
    # only (the scene's action: public, then in a private and a secret group's space).
    "outreach:share_mastodon": Route(no_kwargs, everyone(), query=SHARED_PAGE),
    "outreach:share_image": Route(action_share_image, public_only, group_scoped=True),
    # Short links: made by members (Bob made this one); following one is public.
    **{
        f"outreach:{name}": Route(no_kwargs, members_of_the_movement())
        for name in ["short_links", "short_link_create"]
    },
    "outreach:short_link": Route(matrix_scenes.short_link, members_thing_after_login()),
    "outreach:short_link_qr": Route(
        lambda s: {**matrix_scenes.short_link(s), "fmt": "svg"}, members_thing_after_login()
    ),
    **{
        f"outreach:{name}": Route(matrix_scenes.short_link, members_thing_after_login(charlie=403))
        for name in ["short_link_edit", "short_link_delete"]
    },
    "presence:short_link": Route(matrix_scenes.short_link, everyone(302)),
    # The committee's mini-site, seen with anonymous eyes by everyone.
    "presence:minisite": Route(lyon, everyone()),
    "presence:minisite_contact": Route(lyon, everyone(302)),
    "presence:minisite_contact_sent": Route(lyon, everyone()),
    # training: Bob's coming session for Lyon (he trains), Charlie's request for help on a
    # topic Bob helps with, a published guide and a draft one.
    "training:home": Route(no_kwargs, everyone()),
    # Eve gets a page saying sessions are for members.
    "training:sessions": Route(no_kwargs, logged_in()),
    **{
        f"training:{name}": Route(no_kwargs, members_of_the_movement())
        for name in ["session_create", "skills", "trainers", "mentoring", "mentoring_ask"]
    },
    **{
        f"training:{name}": Route(matrix_scenes.session, members_thing_after_login())
        for name in ["session", "session_ical"]
    },
    **{
        f"training:{name}": Route(matrix_scenes.session, members_thing_after_login(charlie=403))
        for name in ["session_edit", "session_cancel", "attendance"]
    },
    # Nobody has attended a session still to come.
    "training:feedback": Route(
        matrix_scenes.session, members_thing_after_login(charlie=403, bob=403, alice=403)
    ),
    # POST only: the method is checked before the session is looked up.
    **{
        f"training:{name}": Route(matrix_scenes.session, logged_in(405))
        for name in ["register", "unregister"]
    },
    "training:resources": Route(no_kwargs, everyone()),
    **{
        f"training:{name}": Route(guide, in_guide, petition_scoped=True)
        for name in ["resource", "resource_print", "resource_pdf"]
    },
    "training:resource_create": Route(no_kwargs, admins_only),
    "training:resource_edit": Route(matrix_scenes.published_guide, admins_only),
    "training:demand": Route(no_kwargs, admins_only),
    # The request is read by Charlie who asked and Bob who may help, not by Alice.
    "training:mentoring_request": Route(
        matrix_scenes.charlies_request, members_thing_after_login(alice=404)
    ),
    "training:mentoring_cancel": Route(
        matrix_scenes.charlies_request, members_thing_after_login(bob=403, alice=404)
    ),
    **{
        f"training:{name}": Route(matrix_scenes.charlies_request, logged_in(405))
        for name in ["mentoring_offer", "mentoring_confirm"]
    },
    # Only the person who asked accepts or declines an offer, and nobody has offered yet;
    # Bob, who may help with the topic, sees the request but may not answer for Charlie.
    **{
        f"training:{name}": Route(
            matrix_scenes.charlies_request,
            members_thing_after_login(charlie=403, bob=403, alice=404),
        )
        for name in ["mentoring_accept", "mentoring_decline"]
    },
}


def dana_request(world: World) -> int:
    return Membership.objects.get(user=world.dana, structure=world.lyon).pk


def charlie_in_lyon(world: World) -> int:
    return Membership.objects.get(user=world.charlie, structure=world.lyon).pk


def coordinator_of_rhone() -> User:
    """A regional coordinator who is none of the personas."""
    rhone = Territory.objects.get(slug="rhone")
    coordinator = rhone.coordinators.first()
    if coordinator is None:
        coordinator = factories.UserFactory.create(display_name="Gaspard")
        rhone.coordinators.add(coordinator)
    return coordinator


# Discovery and set-up ---------------------------------------------------------------------


def url_names(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from url_names(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def build_scene(world: World, group: Group) -> Scene:
    thread = group.threads.get()
    post = Post.objects.filter(thread=thread).first()
    assert post is not None
    document = Document.objects.create(group=group, title="Compte rendu", created_by=world.bob)
    version = DocumentVersion(
        document=document,
        number=1,
        original_name="compte-rendu.txt",
        content_type="text/plain",
        size=5,
        uploaded_by=world.bob,
    )
    version.file.save("compte-rendu.txt", ContentFile(b"paix\n"), save=True)
    join_request = JoinRequest.objects.create(group=group, user=world.dana)
    tag = f"tag-{group.visibility}"
    group.hashtags.set(get_or_create_hashtags([tag]))
    meeting, invitation, recording = build_meeting(world, group)
    report, photo = build_report(world, group)
    sent_circular, attachment = build_circular(world, group)
    members_list, draft_newsletter = build_mailing_list(world)
    item, subtitle, appearance = build_media_item(world, group)
    field_action = build_action(world, group)
    return Scene(
        world=world,
        group=group,
        thread_pk=thread.pk,
        post_pk=post.pk,
        document_pk=document.pk,
        join_request_pk=join_request.pk,
        charlie_membership_pk=GroupMembership.objects.get(group=group, user=world.charlie).pk,
        tag=tag,
        meeting=meeting,
        meeting_invitation_pk=invitation.pk,
        recording_pk=recording.pk,
        report=report,
        report_photo_pk=photo.pk,
        circular=sent_circular,
        circular_attachment_pk=attachment.pk,
        mailing_list=members_list,
        newsletter_pk=draft_newsletter.pk,
        media=item,
        media_subtitle_pk=subtitle.pk,
        media_appearance_pk=appearance.pk,
        action=field_action,
        action_slot_pk=field_action.slots.get().pk,
    )


def build_media_item(world: World, group: Group) -> tuple[MediaItem, Subtitle, Appearance]:
    """A video Bob filed for the group's members, converted, with subtitles and someone
    appearing in it."""
    is_secret = group.visibility == Visibility.SECRET
    item = MediaItem(
        kind=MediaItem.Kind.VIDEO,
        title=SECRET_MEDIA_TITLE if is_secret else f"Reportage du groupe {group.visibility}",
        slug=f"reportage-{group.visibility}",
        published_on=timezone.localdate(),
        visibility=MediaItem.Visibility.GROUP,
        group=group,
        created_by=world.bob,
        original_name="reportage.webm",
        original_content_type="video/webm",
        rendition_content_type="video/mp4",
        processing=MediaItem.Processing.READY,
    )
    item.original.save("reportage.webm", ContentFile(b"\x1aE\xdf\xa3webm"), save=False)
    item.rendition.save("reportage.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=False)
    item.poster.save("affiche.png", ContentFile(TINY_PNG), save=False)
    item.save()
    subtitle = Subtitle(item=item, language="fr", label="Français")
    subtitle.file.save("sous-titres.vtt", ContentFile(b"WEBVTT\n"), save=True)
    appearance = Appearance.objects.create(
        item=item, name="Une militante", consent_given_on=timezone.localdate()
    )
    return item, subtitle, appearance


def build_circular(world: World, group: Group) -> tuple[Circular, CircularAttachment]:
    """A circular Bob sent to the group's members, with an attachment."""
    is_secret = group.visibility == Visibility.SECRET
    sent = Circular.objects.create(
        subject=SECRET_CIRCULAR_SUBJECT if is_secret else f"Circulaire {group.visibility}",
        body="Bien reçu ?",
        audience=Circular.Audience.GROUP,
        group=group,
        sender_structure=group.owner,
        author=world.bob,
        status=Circular.Status.SENT,
        sent_at=timezone.now(),
    )
    attachment = CircularAttachment(
        circular=sent, name="tract.txt", content_type="text/plain", size=5
    )
    attachment.file.save("tract.txt", ContentFile(b"paix\n"), save=True)
    return sent, attachment


def build_mailing_list(world: World) -> tuple[MailingList, Newsletter]:
    """The Lyon committee's members-only list and a draft of its newsletter."""
    members_list, _ = MailingList.objects.get_or_create(
        slug="lettre-interne-lyon",
        defaults={
            "name": "Lettre interne de Lyon",
            "owner": world.lyon,
            "is_public": False,
            "consent_text": "J'accepte de recevoir la lettre.",
        },
    )
    draft, _ = Newsletter.objects.get_or_create(
        mailing_list=members_list, subject="Brouillon de lettre", defaults={"body": "…"}
    )
    return members_list, draft


def build_report(world: World, group: Group) -> tuple[ActionReport, ReportPhoto]:
    """Bob's published report in the group's space, tagged #paix, with a photo."""
    is_secret = group.visibility == Visibility.SECRET
    report = ActionReport.objects.create(
        structure=group.owner,
        group=group,
        author=world.bob,
        kind=ActionReport.Kind.LEAFLETS,
        title=SECRET_REPORT_TITLE if is_secret else f"Tractage du groupe {group.visibility}",
        slug=f"tractage-{group.visibility}",
        happened_on=timezone.localdate(),
        town="Lyon",
        visibility=(
            ActionReport.Visibility.PUBLIC
            if group.visibility == Visibility.PUBLIC
            else ActionReport.Visibility.COMMITTEE
        ),
        status=ActionReport.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    report.hashtags.set(get_or_create_hashtags(["paix"]))
    photo = ReportPhoto(report=report, alt_text="Le stand", width=1, height=1)
    photo.image.save("stand.png", ContentFile(TINY_PNG), save=False)
    photo.thumbnail.save("stand-mini.png", ContentFile(TINY_PNG), save=False)
    photo.save()
    return report, photo


def build_meeting(world: World, group: Group) -> tuple[Meeting, MeetingInvitation, Recording]:
    """The group's members' meeting, with a guest invitation, draft minutes and a finished
    recording."""
    starts_at = timezone.now() + timedelta(days=1)
    is_secret = group.visibility == Visibility.SECRET
    meeting = Meeting.objects.create(
        owner=group.owner,
        group=group,
        title=SECRET_MEETING_TITLE if is_secret else f"Réunion du groupe {group.visibility}",
        slug=f"reunion-{group.visibility}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        audience=Meeting.Audience.OWNER,
        created_by=world.bob,
    )
    invitation = MeetingInvitation.objects.create(
        meeting=meeting,
        email="invitee@example.org",
        token_hash=f"not-a-real-hash-{group.visibility}",
        expires_at=meeting.ends_at + timedelta(days=1),
    )
    Minutes.objects.create(meeting=meeting, body="Brouillon.", author=world.bob)
    recording = Recording.objects.create(meeting=meeting, status=Recording.Status.READY)
    recording.file.save("reunion.webm", ContentFile(b"\x1aE\xdf\xa3webm"), save=True)
    return meeting, invitation, recording


def build_editions(world: World) -> tuple[Edition, Edition]:
    """A published journal edition and a draft (Alice, a national administrator, is of
    the editorial team)."""
    today = timezone.localdate()
    published = Edition.objects.create(
        number=1,
        title="Journal de l'automne",
        period_start=today - timedelta(days=90),
        period_end=today,
        status=Edition.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    draft = Edition.objects.create(
        number=2, title=JOURNAL_DRAFT_TITLE, period_start=today, period_end=today
    )
    return published, draft


def build_radio(world: World) -> None:
    """Bob's show with artwork, a published episode whose MP3 is ready, and his harbor
    credentials."""
    show = Show.objects.create(title="La voix des comités", slug=RADIO_SHOW_SLUG)
    show.presenters.add(world.bob)
    show.artwork.save("voix.jpg", ContentFile(TINY_PNG), save=True)
    episode = Episode(
        show=show,
        number=1,
        title="Premier épisode",
        status=Episode.Status.PUBLISHED,
        published_at=timezone.now(),
        processing=MediaItem.Processing.READY,
        audio_content_type="audio/mpeg",
    )
    episode.audio.save("voix-1.mp3", ContentFile(b"ID3\x04\x00\x00\x00\x00\x00\x00"), save=True)
    HarborCredential.objects.create(user=world.bob, username="bob-matrice", password_hash="x")


def build_scenes(world: World) -> dict[str, Scene]:
    world.charlie.show_interests = True
    world.charlie.save(update_fields=["show_interests"])
    scenes: dict[str, Scene] = {v: build_scene(world, world.group(v)) for v in VISIBILITIES}
    published = services.create_petition(
        actor=world.bob,
        owner=world.lyon,
        title="Pétition publique de Lyon",
        body="Pour la paix.",
        addressee="La mairie",
    )
    services.publish(actor=world.bob, petition=published)
    draft = services.create_petition(
        actor=world.bob,
        owner=world.lyon,
        group=world.secret_group,
        title=DRAFT_TITLE,
        body="Pas encore publiée.",
        addressee="La préfecture",
    )
    published_edition, draft_edition = build_editions(world)
    build_radio(world)
    build_print_template()
    build_outreach(world)
    published_guide, draft_guide = build_training(world, scenes[Visibility.SECRET].media)
    scenes[PUBLISHED] = replace(
        scenes[Visibility.PUBLIC],
        petition=published,
        edition=published_edition,
        guide=published_guide,
    )
    scenes[DRAFT] = replace(
        scenes[Visibility.SECRET], petition=draft, edition=draft_edition, guide=draft_guide
    )
    return scenes


def client_for(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


def missing_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The same URL, naming a group (or tag) that does not exist."""
    replaced = dict(kwargs)
    if "slug" in replaced:
        replaced["slug"] = MISSING
    if "name" in replaced:
        replaced["name"] = MISSING
    if "number" in replaced:
        replaced["number"] = MISSING_PK
    elif "pk" in replaced and "slug" not in replaced:
        replaced["pk"] = MISSING_PK
    return replaced


def address(name: str, route: Route, kwargs: dict[str, Any]) -> str:
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{route.query}" if route.query else url


def body_of(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def give_secret_group_a_distinctive_size(world: World) -> None:
    for _ in range(SECRET_GROUP_SIZE - world.secret_group.memberships.count()):
        factories.GroupMembershipFactory.create(group=world.secret_group)


def leaks(body: str, persona: str, requested_url: str = "") -> list[str]:
    """What a response body gives away that ``persona`` may not know: the secret group's
    name, slug, hashtag or size; the draft petition's title. Echoing the URL that was
    requested (the language switch does) tells nothing new."""
    if requested_url:
        body = body.replace(requested_url, "").replace(escape(requested_url), "")
    clues = []
    if persona not in GROUP_MEMBERS:
        clues += [
            SECRET_GROUP_NAME,
            SECRET_GROUP_SLUG,
            "tag-secret",
            SECRET_MEETING_TITLE,
            SECRET_REPORT_TITLE,
            SECRET_CIRCULAR_SUBJECT,
            SECRET_MEDIA_TITLE,
            SECRET_ACTION_TITLE,
        ]
    if persona not in PETITION_ORGANISERS:
        clues.append(DRAFT_TITLE)
    if persona != "alice":
        clues += [JOURNAL_DRAFT_TITLE, DRAFT_GUIDE_TITLE]
    found = [clue for clue in clues if clue in body]
    if persona not in GROUP_MEMBERS and SECRET_GROUP_SIZE_RE.search(body):
        found.append(f"{SECRET_GROUP_SIZE} members")
    return found


# Tests ----------------------------------------------------------------------------------------


def test_every_url_has_an_entry() -> None:
    discovered = set(url_names(get_resolver().url_patterns))
    without_entry = sorted(discovered - set(ROUTES))
    assert not without_entry, f"URLs without an entry in the permission matrix: {without_entry}"
    stale = sorted(set(ROUTES) - discovered)
    assert not stale, f"entries for URLs that no longer exist: {stale}"


@pytest.mark.django_db
def test_permission_matrix(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.JANUS_SERVERS = [UNREACHABLE_JANUS]
    give_secret_group_a_distinctive_size(world)
    scenes = build_scenes(world)
    clients = {persona: client_for(world, persona) for persona in PERSONAS}
    failures: list[str] = []
    checked = 0
    for name, route in ROUTES.items():
        for variant in route.variants:
            url = address(name, route, route.kwargs(scenes[variant]))
            for persona in PERSONAS:
                checked += 1
                response = clients[persona].get(url)
                expected = route.expect(persona, variant)
                label = f"{name} [{variant}] as {persona} ({url})"
                if response.status_code != expected:
                    failures.append(f"{label}: {response.status_code}, expected {expected}")
                location = response.get("Location", "")
                if leaked := leaks(body_of(response) + location, persona, url):
                    failures.append(f"{label}: reveals {leaked}")
    report(f"permission matrix: {checked} URL x persona x visibility cases checked")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_outsiders_cannot_tell_a_secret_group_from_a_missing_one(
    world: World, settings: Any, tmp_path: Any
) -> None:
    """GET and POST as everyone outside the secret group (or the draft petition's
    organisers): same status as for a group or petition that does not exist, nothing of it
    in the answer, and nothing written."""
    settings.MEDIA_ROOT = tmp_path
    settings.JANUS_SERVERS = [UNREACHABLE_JANUS]
    give_secret_group_a_distinctive_size(world)
    scenes = build_scenes(world)
    audit_entries = AuditEntry.objects.count()
    failures: list[str] = []
    checked = 0
    for name, route in ROUTES.items():
        if not (route.group_scoped or route.petition_scoped):
            continue
        insiders = GROUP_MEMBERS if route.group_scoped else PETITION_ORGANISERS
        kwargs = route.kwargs(scenes[Visibility.SECRET if route.group_scoped else DRAFT])
        secret_url = address(name, route, kwargs)
        missing_url = address(name, route, missing_kwargs(kwargs))
        for persona in PERSONAS:
            if persona in insiders:
                continue
            client = client_for(world, persona)
            for method in ("get", "post"):
                checked += 1
                secret = getattr(client, method)(secret_url)
                missing = getattr(client, method)(missing_url)
                label = f"{method.upper()} {name} as {persona}"
                # 405 comes from the method check, before anything is looked up.
                if secret.status_code != missing.status_code or secret.status_code not in {
                    404,
                    405,
                }:
                    failures.append(
                        f"{label}: {secret.status_code} for the hidden one, "
                        f"{missing.status_code} for a missing one"
                    )
                if leaked := leaks(body_of(secret), persona, secret_url):
                    failures.append(f"{label}: reveals {leaked}")
    report(f"secret group vs missing group: {checked} outsider requests compared")
    assert AuditEntry.objects.count() == audit_entries, "an outsider's request changed something"
    assert not failures, "\n".join(failures)
