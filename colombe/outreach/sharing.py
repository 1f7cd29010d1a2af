"""Sharing a page of Colombe on social networks, without loading anything from them.

Every network gets a plain link to its own share dialog (no button script, no tracking
pixel: the visitor's browser talks to the network only if they follow the link). Each
shared address carries ``?source=<network>`` so organisers see where visitors come from
(petition statistics rely on it). Mastodon has no single site: its link goes to our
instance chooser. Signal has no share dialog at all: people copy a ready-made text.

The public page kinds are listed in ``KINDS``: what the share card (Open Graph / Twitter
metadata) and the generated share image say about an object of each model, and whether
the object is public. Only public objects invite sharing."""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from colombe.actions.models import Action
from colombe.core import policy
from colombe.groups.models import Group, Visibility
from colombe.mediatheque.models import MediaItem
from colombe.meetings.models import Meeting
from colombe.movement.models import Structure
from colombe.outreach.identity import movement_name
from colombe.outreach.models import Network
from colombe.petitions.models import Petition
from colombe.radio.models import Show
from colombe.reports.models import ActionReport

DESCRIPTION_WORDS = 40


class ShareLink(NamedTuple):
    network: str
    label: str
    url: str


def with_source(url: str, network: str) -> str:
    """``url`` tagged ``?source=<network>`` (replacing any source it had)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "source"]
    query.append(("source", network))
    return urlunsplit(parts._replace(query=urlencode(query)))


def mastodon_chooser_url(url: str, title: str) -> str:
    """Our Mastodon instance chooser for ``url`` (a page of this site): it takes the
    page's path, never a whole address, so it cannot be used to share anything else."""
    parts = urlsplit(with_source(url, "mastodon"))
    path = urlunsplit(("", "", parts.path, parts.query, ""))
    return reverse("outreach:share_mastodon") + "?" + urlencode({"path": path, "text": title})


def with_text(text: str, url: str) -> str:
    return f"{text} {url}".strip()


# Each network's own share or compose dialog, prefilled with a text and an address; None
# where the dialog needs an address that is missing. Networks absent from the table have
# no such dialog (Instagram, TikTok, YouTube, PeerTube: an app or an upload; Mastodon:
# one per server).
SHARE_DIALOGS: dict[str, Callable[[str, str], str | None]] = {
    Network.BLUESKY: lambda text, url: (
        "https://bsky.app/intent/compose?" + urlencode({"text": with_text(text, url)})
    ),
    Network.X: lambda text, url: (
        "https://x.com/intent/post?" + urlencode({"text": text, **({"url": url} if url else {})})
    ),
    Network.FACEBOOK: lambda text, url: (
        "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}) if url else None
    ),
    Network.LINKEDIN: lambda text, url: (
        "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})
        if url
        else None
    ),
    Network.WHATSAPP: lambda text, url: (
        "https://wa.me/?" + urlencode({"text": with_text(text, url)})
    ),
    Network.TELEGRAM: lambda text, url: (
        "https://t.me/share/url?" + urlencode({"url": url, "text": text}) if url else None
    ),
}


def share_dialog_url(network: str, text: str, url: str = "") -> str | None:
    """The network's own share or compose dialog, prefilled with ``text`` and ``url``
    (for posts on networks Colombe does not post to itself); None where there is none."""
    dialog = SHARE_DIALOGS.get(network)
    return dialog(text, url) if dialog else None


def share_links(
    url: str, title: str, text: str = "", *, mastodon_chooser: str | None = None
) -> list[ShareLink]:
    """A link per network to share the page at ``url`` (absolute). ``title`` goes into
    posts; ``text`` (a sentence inviting people, e.g. "I signed this petition…") into the
    email, whose recipient did not choose to read a feed. ``mastodon_chooser`` replaces
    the generic chooser page by one of the page's own."""
    mastodon = ShareLink(
        Network.MASTODON.value,
        _("Share on %(network)s") % {"network": Network.MASTODON.label},
        mastodon_chooser or mastodon_chooser_url(url, title),
    )
    dialogs = []
    for network in SHARE_DIALOGS:
        dialog = share_dialog_url(network, title, with_source(url, network))
        if dialog is not None:
            label = _("Share on %(network)s") % {"network": Network(network).label}
            dialogs.append(ShareLink(str(network), label, dialog))
    email_body = f"{text or title}\n\n{with_source(url, 'email')}"
    email = ShareLink(
        "email",
        _("Send by email"),
        f"mailto:?subject={quote(title)}&body={quote(email_body)}",
    )
    return [mastodon, *dialogs, email]


def copy_text(url: str, title: str, text: str = "") -> str:
    """The text to paste into Signal (or any messenger): plain, the address alone on its
    last line so the messenger shows its preview."""
    return "\n\n".join(part for part in (title, text, with_source(url, "signal")) if part)


# The Mastodon instance chooser -------------------------------------------------------------

MASTODON_INSTANCE = re.compile(r"^(?=.{4,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")
DEFAULT_MASTODON_INSTANCE = "mastodon.social"
MAX_SHARED_TEXT = 300


def local_path(value: str) -> str | None:
    """``value`` if it is a page of this site given as a path (``/petitions/x/?source=…``),
    else None: no scheme, no host, no ``//host`` or ``/\\host`` that browsers read as
    another site, and a path the site answers to."""
    parts = urlsplit(value)
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if parts.scheme or parts.netloc or any(ord(character) < 32 for character in value):
        return None
    try:
        resolve(parts.path)
    except Resolver404:
        return None
    return value


def shared_text(value: str) -> str:
    return Truncator(" ".join(value.split())).chars(MAX_SHARED_TEXT)


def render_mastodon_chooser(
    request: HttpRequest,
    *,
    path: str,
    text: str,
    action: str,
    hidden: dict[str, str] | None = None,
) -> HttpResponse:
    """The visitor names their Mastodon server, then follows a link to its share page. A
    link, not a redirect, so the page can never send anyone to a site they did not type
    themselves. ``path`` is a page of this site, ``action`` the address of the chooser
    page itself and ``hidden`` what its form must send again."""
    instance = request.GET.get("instance", "").strip().lower().removeprefix("https://").strip("/")
    error = ""
    share_url = ""
    if instance:
        if MASTODON_INSTANCE.match(instance):
            shared = f"{text} {request.build_absolute_uri(path)}"
            share_url = f"https://{instance}/share?" + urlencode({"text": shared})
        else:
            error = _("Type the address of your Mastodon server, for example mastodon.social.")
    context = {
        "title": text,
        "page_url": urlsplit(path).path,
        "instance": instance or DEFAULT_MASTODON_INSTANCE,
        "share_url": share_url,
        "error": error,
        "action": action,
        "hidden": sorted((hidden or {}).items()),
    }
    return render(request, "outreach/share/mastodon.html", context, status=422 if error else 200)


# Public page kinds ------------------------------------------------------------------------


def seen_by_anyone(obj: models.Model) -> bool:
    return policy.can_see(AnonymousUser(), obj)


def words_of(html: str) -> str:
    return Truncator(strip_tags(html)).words(DESCRIPTION_WORDS, truncate=" …")


@dataclass(frozen=True)
class SharedImage:
    url: str
    content_type: str
    # Known for the pictures Colombe draws; a network measures the others itself.
    width: int = 0
    height: int = 0


OG_SIZE = (1200, 630)


@dataclass(frozen=True)
class ShareKind:
    """What is said about an object of ``model`` when it is shared."""

    key: str
    model: type[models.Model]
    label: Callable[[Any], str]
    owner: Callable[[Any], str]
    description: Callable[[Any], str]
    is_public: Callable[[Any], bool] = seen_by_anyone
    # A picture of the object's own (a petition's counter, a video's poster) instead of
    # the generated share image.
    own_image: Callable[[Any], SharedImage | None] = lambda obj: None

    def title(self, obj: Any) -> str:
        return str(getattr(obj, "title", "") or obj.name)


def action_summary(action: Action) -> str:
    """When and where, then what the organisers wrote."""
    when = formats.date_format(timezone.localtime(action.starts_at), "DATETIME_FORMAT")
    facts = " · ".join([when, f"{action.place}, {action.town}"])
    return f"{facts}. {words_of(action.description_html)}".strip(". ") or facts


def petition_image(petition: Petition) -> SharedImage:
    return SharedImage(reverse("petitions:og_image", args=[petition.slug]), "image/png", *OG_SIZE)


def media_poster(item: MediaItem) -> SharedImage | None:
    if not item.poster:
        return None
    return SharedImage(reverse("mediatheque:poster", args=[item.slug]), "image/jpeg")


KINDS: dict[str, ShareKind] = {
    kind.key: kind
    for kind in [
        ShareKind(
            "comite",
            Structure,
            label=lambda structure: structure.get_kind_display(),
            owner=lambda structure: structure.territory.name,
            description=lambda structure: words_of(structure.description),
        ),
        ShareKind(
            "groupe",
            Group,
            label=lambda group: _("Group"),
            owner=lambda group: group.owner.name,
            description=lambda group: words_of(group.description),
            # Private groups are listed, but their page is for their members.
            is_public=lambda group: group.visibility == Visibility.PUBLIC,
        ),
        ShareKind(
            "petition",
            Petition,
            label=lambda petition: _("Petition"),
            owner=lambda petition: petition.owner.name,
            description=lambda petition: words_of(petition.body_html),
            own_image=petition_image,
        ),
        ShareKind(
            "compte-rendu",
            ActionReport,
            label=lambda report: _("Action report"),
            owner=lambda report: report.structure.name,
            description=lambda report: words_of(report.body_html),
        ),
        ShareKind(
            "reunion",
            Meeting,
            label=lambda meeting: _("Meeting"),
            owner=lambda meeting: meeting.owner.name,
            description=lambda meeting: words_of(meeting.agenda_html),
        ),
        ShareKind(
            "memoire",
            MediaItem,
            label=lambda item: item.get_kind_display(),
            owner=lambda item: item.structure.name if item.structure else movement_name(),
            description=lambda item: words_of(item.description_html) or item.get_kind_display(),
            own_image=media_poster,
        ),
        ShareKind(
            "action",
            Action,
            label=lambda action: action.get_kind_display(),
            owner=lambda action: action.structure.name,
            description=action_summary,
        ),
        ShareKind(
            "emission",
            Show,
            label=lambda show: _("Radio show"),
            owner=lambda show: show.author,
            description=lambda show: words_of(show.description_html),
        ),
    ]
}


def kind_of(obj: models.Model) -> ShareKind:
    for kind in KINDS.values():
        if isinstance(obj, kind.model):
            return kind
    raise LookupError(f"{type(obj).__name__} is not a shared page kind.")


def is_public(obj: models.Model) -> bool:
    return kind_of(obj).is_public(obj)


@dataclass(frozen=True)
class ShareCard:
    """What a social network shows when a page is shared (Open Graph, Twitter)."""

    title: str
    description: str
    url: str
    public: bool
    image_url: str = ""
    image_type: str = ""
    image_width: int = 0
    image_height: int = 0


def share_image_url(obj: models.Model) -> SharedImage:
    kind = kind_of(obj)
    own = kind.own_image(obj)
    if own is not None:
        return own
    url = reverse("outreach:share_image", args=[kind.key, obj.pk])
    return SharedImage(url, "image/png", *OG_SIZE)


def share_card(request: HttpRequest, obj: Any, *, path: str = "") -> ShareCard:
    """The card of ``obj``'s page (or of the page at ``path`` that presents it, such as a
    committee's mini-site). A page that is not public gets its title only: no picture, no
    address, nothing that invites sharing."""
    kind = kind_of(obj)
    public = kind.is_public(obj)
    card = ShareCard(
        title=kind.title(obj),
        description=kind.description(obj) or kind.label(obj),
        url=request.build_absolute_uri(path or obj.get_absolute_url()),
        public=public,
    )
    if not public:
        return card
    image = share_image_url(obj)
    return replace(
        card,
        image_url=request.build_absolute_uri(image.url),
        image_type=image.content_type,
        image_width=image.width,
        image_height=image.height,
    )
