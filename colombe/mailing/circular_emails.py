"""The email a circular becomes: plain text (the Markdown as written) and HTML (the
Markdown rendered and sanitised), with the attachments as links.

Attachments are links to the circular's permission-checked download, not attached files:
a 5 MB leaflet sent to 10,000 members would be 50 GB pushed through SMTP, the outbox
keeps one row per recipient (a copy of the file in each would bloat it), and a link still
works for whoever forwards the email to a member who may read the circular.

Each letter is rendered once per kind of recipient (relay, member, leader on escalation,
test) with placeholders; only the personal parts (the "Bien reçu" link, the committees a
relay serves) are substituted per recipient, so a large send does not render thousands
of templates."""

from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from colombe.core.mail import absolute_url
from colombe.core.markdown import render_markdown
from colombe.mailing.models import Circular, CircularRecipient

Reason = CircularRecipient.Reason
ACK_URL = "%%COLOMBE-ACK-URL%%"
RELAY_OF = "%%COLOMBE-RELAY-OF%%"
RELAY_PAGE = "%%COLOMBE-RELAY-PAGE%%"


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str

    def personal(self, *, ack_url: str = "", relay_of: str = "", relay_page: str = "") -> "Letter":
        text, html = self.text, self.html
        for placeholder, value in (
            (ACK_URL, ack_url),
            (RELAY_OF, relay_of),
            (RELAY_PAGE, relay_page),
        ):
            text = text.replace(placeholder, value)
            html = html.replace(placeholder, escape(value))
        return Letter(self.subject, text, html)


def sender_name(circular: Circular) -> str:
    sender = circular.sender_structure or circular.sender_territory
    return str(sender) if sender is not None else "Colombe"


def from_address(circular: Circular) -> str:
    """The movement's address under the name of the office that writes."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((sender_name(circular), address))


def subject_for(circular: Circular, reason: str) -> str:
    subject = circular.subject
    if circular.urgency == Circular.Urgency.URGENT:
        subject = _("[Urgent] %(subject)s") % {"subject": subject}
    if reason == Reason.TEST:
        subject = _("[TEST] %(subject)s") % {"subject": subject}
    return subject


def attachment_links(circular: Circular) -> list[dict[str, object]]:
    return [
        {
            "name": attachment.name,
            "size": attachment.size,
            "url": absolute_url(
                reverse("mailing:circular_attachment", args=[circular.pk, attachment.pk])
            ),
        }
        for attachment in circular.attachments.all()
    ]


def render_letter(circular: Circular, reason: str) -> Letter:
    context = {
        "circular": circular,
        "reason": reason,
        "sender": sender_name(circular),
        "body_html": render_markdown(circular.body),
        "attachments": attachment_links(circular),
        "circular_url": absolute_url(circular.get_absolute_url()),
        "asks_acknowledgement": reason in (Reason.RELAY, Reason.ESCALATION),
        "ack_url": ACK_URL,
        "relay_of": RELAY_OF,
        "relay_page": RELAY_PAGE,
        "urgent": circular.urgency == Circular.Urgency.URGENT,
        "forwarded": circular.forwarded_from_id is not None,
    }
    with translation.override(settings.LANGUAGE_CODE):
        return Letter(
            subject=subject_for(circular, reason),
            text=render_to_string("mailing/email/circular_body.txt", context),
            html=render_to_string("mailing/email/circular_body.html", context),
        )
