"""Background work of the petitions app (django-tasks).

The confirmation email is enqueued in the signing transaction; the maintenance tasks
(reconcile, purge, anonymise) are meant to run periodically (see docs / deploy timers)."""

import logging

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from colombe.core.mail import absolute_url
from colombe.petitions import crypto, services
from colombe.petitions.models import Petition, Signature

logger = logging.getLogger(__name__)


def confirmation_links(token: str) -> dict[str, str]:
    return {
        "confirm_url": absolute_url(reverse("petitions:confirm", args=[token])),
        "withdraw_url": absolute_url(reverse("petitions:withdraw", args=[token])),
    }


@task()
def send_confirmation_email(signature_id: int, sealed_token: str, language: str = "fr") -> int:
    """Send the link that confirms a signature. The address and the token are decrypted
    only here: the queue table holds neither in clear."""
    signature = (
        Signature.objects.select_related("petition")
        .filter(pk=signature_id, status=Signature.Status.PENDING)
        .first()
    )
    if signature is None:  # confirmed, withdrawn or purged since: nothing to send
        return 0
    context = {
        "petition": signature.petition,
        "first_name": signature.first_name,
        "days": services.confirmation_days(),
        **confirmation_links(crypto.unseal(sealed_token)),
    }
    with translation.override(language):
        subject = " ".join(render_to_string("petitions/email/confirm_subject.txt", context).split())
        body = render_to_string("petitions/email/confirm_body.txt", context)
    to = crypto.decrypt_email(signature.email_encrypted)
    return EmailMessage(subject=subject, body=body, to=[to]).send()


@task()
def reconcile_counters() -> int:
    """Check every open (or recently closed) petition's counter against the real count;
    returns how many counters were wrong and have been fixed."""
    fixed = 0
    petitions = Petition.objects.exclude(status=Petition.Status.DRAFT).filter(
        anonymised_at__isnull=True
    )
    for petition in petitions:
        before, after = services.reconcile_counter(petition)
        fixed += before != after
    return fixed


@task()
def purge_unconfirmed_signatures() -> int:
    return services.purge_unconfirmed()


@task()
def anonymise_expired_petitions() -> int:
    return services.anonymise_expired()
