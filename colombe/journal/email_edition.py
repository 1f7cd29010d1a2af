"""The email edition: a newsletter of the journal's mailing list, sent through the
mailing app's newsletter machinery (double opt-in subscribers, one-click unsubscribe,
outbox), never by a sender of our own."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.mail import absolute_url
from colombe.journal.models import Edition
from colombe.mailing import newsletters
from colombe.mailing.models import MailingList, Newsletter
from colombe.movement.models import Structure

JOURNAL_LIST_SLUG = "journal"


def journal_list() -> MailingList | None:
    """The journal's list, created by the national office on first use; None while the
    movement has no national office to own it."""
    found = journal_list_if_exists()
    if found is not None:
        return found
    national = _national_office()
    if national is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        return MailingList.objects.create(
            owner=national,
            slug=JOURNAL_LIST_SLUG,
            name=_("The journal of the committees"),
            description=_("Each edition of the journal by email, every two or three months."),
            is_public=True,
            consent_text=_(
                "I agree to receive the journal of the committees by email. I can "
                "unsubscribe in one click from any issue."
            ),
        )


def may_send(user: Any) -> bool:
    """Whether the user's publishing sends the email edition, rather than leaving it as a
    draft newsletter: only the list's managers send to it."""
    mailing_list = journal_list_if_exists() or _unsaved_list()
    return mailing_list is not None and policy.has_perm(user, "mailing.manage_list", mailing_list)


def journal_list_if_exists() -> MailingList | None:
    return MailingList.objects.filter(slug=JOURNAL_LIST_SLUG).first()


def _national_office() -> Structure | None:
    return Structure.objects.filter(kind=Structure.Kind.NATIONAL).order_by("pk").first()


def _unsaved_list() -> MailingList | None:
    national = _national_office()
    return MailingList(owner=national, slug=JOURNAL_LIST_SLUG) if national else None


def newsletter_fields(edition: Edition, sections: list[Any]) -> dict[str, str]:
    context = {
        "edition": edition,
        "sections": sections,
        "edition_url": absolute_url(edition.get_absolute_url()),
        "pdf_url": absolute_url(reverse("journal:pdf", args=[edition.number])),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Journal no. %(number)s — %(title)s") % {
            "number": edition.number,
            "title": edition.title,
        }
        body = render_to_string("journal/email/edition_newsletter.md", context)
    return {"subject": subject, "body": body}


def send_email_edition(*, actor: Any, edition: Edition, sections: list[Any]) -> Newsletter | None:
    """Send the edition to the list's subscribers. Someone who may not send to the list
    (an editor outside the national office) leaves it as a draft newsletter, which the
    list's managers send from the newsletter pages. Call inside the publishing
    transaction."""
    mailing_list = journal_list()
    if mailing_list is None:
        return None
    fields = newsletter_fields(edition, sections)
    if policy.has_perm(actor, "mailing.manage_list", mailing_list):
        newsletter = newsletters.save_newsletter(
            actor=actor, mailing_list=mailing_list, fields=fields, territories=[]
        )
        newsletters.send_now(actor=actor, newsletter=newsletter)
    else:
        newsletter = Newsletter.objects.create(mailing_list=mailing_list, author=actor, **fields)
        log_action(actor, "journal.newsletter.drafted", edition, {"newsletter": newsletter.pk})
    return newsletter
