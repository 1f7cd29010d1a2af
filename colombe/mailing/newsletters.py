"""Newsletters: lists people subscribe to (double opt-in for the public, one click for
members), issues written by the list's managers and sent to a segment, and leaving — one
click from any issue (RFC 8058), a preference page, or "unsubscribe from everything".

Who receives an issue:
- the list's active subscribers, narrowed by the issue's territories (a subscriber's own
  territory, or for a member the territory of a committee they belong to) and hashtag
  (members whose interests include it; a hashtag leaves out subscribers without an
  account, who have told us no interests);
- plus, when the issue names a petition, that petition's confirmed signers who ticked its
  separate "keep me informed" box, narrowed by the territories (their department);
- never an address that unsubscribed from everything, nor one disabled by bounces.

Every message is an outbox row keyed ``newsletter:<id>:<address hash>``, written in the
transaction that marks the issue sent: sending twice queues nothing twice."""

import hashlib
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from itertools import chain
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.mail import absolute_url
from colombe.core.markdown import render_markdown
from colombe.core.models import fold_hashtag
from colombe.mailing.models import (
    GlobalUnsubscribe,
    MailingList,
    Newsletter,
    OutboxMessage,
    Subscription,
)
from colombe.mailing.outbox import OutgoingEmail, enqueue
from colombe.movement.models import Membership, Structure, Territory
from colombe.movement.policy import subtree_filter
from colombe.petitions.crypto import decrypt_email, email_hash
from colombe.petitions.models import Petition, Signature
from colombe.petitions.policy import organised_by
from colombe.petitions.postcodes import department_from_postcode

UNSUBSCRIBE_SALT = "colombe.mailing.unsubscribe"
PREFERENCES_SALT = "colombe.mailing.preferences"
RESERVED_SLUGS = {"nouvelle-liste"}


def normalise(email: str) -> str:
    return email.strip().lower()


def address_hash(email: str) -> str:
    return hashlib.sha256(normalise(email).encode()).hexdigest()[:32]


def confirmation_days() -> int:
    return int(getattr(settings, "MAILING_SUBSCRIPTION_CONFIRM_DAYS", 7))


# --- Signed links: no login, the signature is the credential, and they never expire
# (an old newsletter's unsubscribe link must keep working). ---


@dataclass(frozen=True)
class UnsubscribeLink:
    list_id: int
    email: str
    petition_id: int | None = None


def unsubscribe_token(link: UnsubscribeLink) -> str:
    data = {"l": link.list_id, "e": link.email, "p": link.petition_id}
    return signing.dumps(data, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> UnsubscribeLink | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return UnsubscribeLink(list_id=int(data["l"]), email=str(data["e"]), petition_id=data["p"])


def preferences_token(email: str) -> str:
    return signing.dumps(normalise(email), salt=PREFERENCES_SALT)


def read_preferences_token(token: str) -> str | None:
    try:
        return str(signing.loads(token, salt=PREFERENCES_SALT))
    except signing.BadSignature:
        return None


def preferences_url(email: str) -> str:
    return absolute_url(reverse("mailing:preferences", args=[preferences_token(email)]))


# --- Lists ---


def lists_for(user: Any) -> QuerySet[MailingList]:
    return policy.visible(MailingList, user).select_related("owner")


def owners_for(user: Any) -> QuerySet[Structure]:
    """The structures this person may create lists for."""
    if policy.is_national_admin(user):
        return Structure.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Structure.objects.none()
    led = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, role=Membership.Role.LEADER
    ).values("structure_id")
    return Structure.objects.filter(pk__in=led)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:160] or "liste"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or MailingList.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_list(
    *,
    actor: Any,
    owner: Structure,
    name: str,
    description: str,
    is_public: bool,
    consent_text: str,
) -> MailingList:
    policy.require(actor, "mailing.create_list", owner)
    with transaction.atomic():
        mailing_list = MailingList.objects.create(
            owner=owner,
            name=name,
            slug=_unique_slug(name),
            description=description,
            is_public=is_public,
            consent_text=consent_text,
        )
        log_action(actor, "mailing.list.created", mailing_list, {"owner": owner.pk})
    return mailing_list


def subscriber_counts(mailing_list: MailingList) -> dict[str, int]:
    rows = mailing_list.subscriptions.values("status").annotate(count=Count("id"))
    counts = {status: 0 for status in Subscription.Status.values}
    counts.update({row["status"]: row["count"] for row in rows})
    return counts


# --- Subscribing: double opt-in for the public ---


def territory_for_postcode(postcode: str) -> Territory | None:
    code = department_from_postcode(postcode)
    if not code:
        return None
    return Territory.objects.filter(level=Territory.Level.DEPARTMENT, code=code).first()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_subscription(*, mailing_list: MailingList, email: str, postcode: str = "") -> None:
    """A visitor asks to subscribe: a pending subscription and an email with the link that
    confirms it. Says nothing about whether the address was already subscribed (an
    active subscription is left as it is and gets no email)."""
    if not mailing_list.is_public:
        raise PermissionError("Only public lists have a subscription form.")
    address = normalise(email)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(mailing_list=mailing_list, email=address)
            .first()
        )
        if subscription is not None and subscription.status == Subscription.Status.ACTIVE:
            return
        if subscription is None:
            subscription = Subscription(mailing_list=mailing_list, email=address)
        subscription.status = Subscription.Status.PENDING
        subscription.territory = territory_for_postcode(postcode) or subscription.territory
        subscription.token_hash = _token_hash(token)
        subscription.consent_version = mailing_list.consent_version
        subscription.consented_at = now
        subscription.save()
        log_action(None, "mailing.subscription.requested", subscription)
        enqueue([_confirmation_email(subscription, token)])


def _confirmation_email(subscription: Subscription, token: str) -> OutgoingEmail:
    mailing_list = subscription.mailing_list
    context = {
        "mailing_list": mailing_list,
        "confirm_url": absolute_url(reverse("mailing:confirm_subscription", args=[token])),
        "days": confirmation_days(),
    }
    subject = render_to_string("mailing/email/subscription_confirm_subject.txt", context)
    return OutgoingEmail(
        key=f"subscription:{subscription.pk}:confirm:{subscription.token_hash}",
        to=subscription.email,
        subject=" ".join(subject.split()),
        body_text=render_to_string("mailing/email/subscription_confirm_body.txt", context),
        category=OutboxMessage.Category.NOTICE,
        from_email=list_sender(mailing_list),
    )


def pending_subscription(token: str) -> Subscription | None:
    """The subscription a confirmation link is for, unless it expired."""
    oldest = timezone.now() - timedelta(days=confirmation_days())
    return (
        Subscription.objects.filter(
            token_hash=_token_hash(token),
            status=Subscription.Status.PENDING,
            consented_at__gte=oldest,
        )
        .select_related("mailing_list")
        .first()
    )


def confirm_subscription(token: str) -> Subscription | None:
    with transaction.atomic():
        subscription = pending_subscription(token)
        if subscription is None:
            return None
        _activate(subscription)
        log_action(None, "mailing.subscription.confirmed", subscription)
    return subscription


def _activate(subscription: Subscription) -> None:
    subscription.status = Subscription.Status.ACTIVE
    subscription.confirmed_at = timezone.now()
    subscription.unsubscribed_at = None
    subscription.token_hash = None
    subscription.save()
    # Subscribing again is a new, explicit consent: it lifts "unsubscribe from everything".
    GlobalUnsubscribe.objects.filter(email=subscription.email).delete()


def purge_expired_subscriptions() -> int:
    """Pending subscriptions never confirmed are deleted with their address."""
    oldest = timezone.now() - timedelta(days=confirmation_days())
    deleted, _details = Subscription.objects.filter(
        status=Subscription.Status.PENDING, consented_at__lt=oldest
    ).delete()
    return deleted


# --- Members: one click with their verified address ---


def verified_address(user: Any) -> str | None:
    verified = EmailAddress.objects.filter(user=user, verified=True)
    address = verified.filter(primary=True).first() or verified.first()
    return normalise(address.email) if address is not None else None


def member_territory(user: Any) -> Territory | None:
    membership = (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("structure__territory")
        .order_by("pk")
        .first()
    )
    return membership.structure.territory if membership is not None else None


def member_subscription(user: Any, mailing_list: MailingList) -> Subscription | None:
    if not getattr(user, "is_authenticated", False):
        return None
    address = verified_address(user)
    return (
        mailing_list.subscriptions.filter(Q(user=user) | Q(email=address or ""))
        .order_by("pk")
        .first()
    )


def subscribe_member(*, actor: Any, mailing_list: MailingList) -> Subscription:
    if not policy.can_see(actor, mailing_list):
        raise Http404
    address = verified_address(actor)
    if address is None:
        raise PermissionError("A verified address is needed to subscribe.")
    with transaction.atomic():
        subscription, _created = Subscription.objects.select_for_update().get_or_create(
            mailing_list=mailing_list,
            email=address,
            defaults={
                "consent_version": mailing_list.consent_version,
                "consented_at": timezone.now(),
            },
        )
        subscription.user = actor
        subscription.territory = subscription.territory or member_territory(actor)
        subscription.consent_version = mailing_list.consent_version
        subscription.consented_at = timezone.now()
        _activate(subscription)
        log_action(actor, "mailing.subscription.member_joined", subscription)
    return subscription


def leave_list(*, actor: Any, mailing_list: MailingList) -> None:
    subscription = member_subscription(actor, mailing_list)
    if subscription is None:
        return
    with transaction.atomic():
        _unsubscribe(subscription)
        log_action(actor, "mailing.subscription.left", subscription)


# --- Leaving ---


def _unsubscribe(subscription: Subscription) -> None:
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        return
    subscription.status = Subscription.Status.UNSUBSCRIBED
    subscription.unsubscribed_at = timezone.now()
    subscription.token_hash = None
    subscription.save(update_fields=["status", "unsubscribed_at", "token_hash"])


def _stop_petition_news(email: str, petition_ids: Iterable[int] | None = None) -> int:
    """Withdraw a signer's "keep me informed" consent (on every petition when no ids)."""
    signatures = Signature.objects.filter(email_hash=email_hash(email), keep_informed=True)
    if petition_ids is not None:
        signatures = signatures.filter(petition_id__in=list(petition_ids))
    return signatures.update(keep_informed=False)


def unsubscribe(link: UnsubscribeLink) -> bool:
    """One click from a newsletter: leave the list and, when the issue went to a
    petition's signers, stop that petition's news. Returns whether the list exists."""
    mailing_list = MailingList.objects.filter(pk=link.list_id).first()
    if mailing_list is None:
        return False
    address = normalise(link.email)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(mailing_list=mailing_list, email=address)
            .first()
        )
        if subscription is not None:
            _unsubscribe(subscription)
        if link.petition_id is not None:
            _stop_petition_news(address, [link.petition_id])
        log_action(
            None,
            "mailing.subscription.unsubscribed",
            mailing_list,
            {"subscription": subscription.pk if subscription else None},
        )
    return True


def subscriptions_of(email: str) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(email=normalise(email))
        .exclude(status=Subscription.Status.PENDING)
        .select_related("mailing_list")
        .order_by("mailing_list__name")
    )


def is_unsubscribed_from_everything(email: str) -> bool:
    return GlobalUnsubscribe.objects.filter(email=normalise(email)).exists()


def update_preferences(*, email: str, keep_list_ids: set[int]) -> None:
    """From the preference page: stay on the ticked lists, leave the others. A list
    left earlier can be ticked again: the person chose it before and asks for it now."""
    address = normalise(email)
    with transaction.atomic():
        for subscription in subscriptions_of(address).select_for_update():
            if subscription.mailing_list_id in keep_list_ids:
                if subscription.status != Subscription.Status.ACTIVE:
                    subscription.consented_at = timezone.now()
                    _activate(subscription)
            else:
                _unsubscribe(subscription)
        log_action(None, "mailing.preferences.updated", None, {"lists": sorted(keep_list_ids)})


def unsubscribe_from_everything(email: str) -> None:
    address = normalise(email)
    with transaction.atomic():
        GlobalUnsubscribe.objects.get_or_create(email=address)
        for subscription in Subscription.objects.select_for_update().filter(email=address):
            _unsubscribe(subscription)
        _stop_petition_news(address)
        log_action(None, "mailing.unsubscribed_from_everything", None)


# --- Writing and sending newsletters ---


def petitions_for(user: Any) -> QuerySet[Petition]:
    """Petitions whose consenting signers this person may write to: those they
    organise."""
    candidates = policy.visible(Petition, user).exclude(status=Petition.Status.DRAFT)
    if policy.is_national_admin(user):
        return candidates
    if not getattr(user, "is_authenticated", False):
        return candidates.none()
    return candidates.filter(organised_by(user))


def save_newsletter(
    *,
    actor: Any,
    mailing_list: MailingList,
    fields: dict[str, Any],
    territories: Iterable[Territory],
    newsletter: Newsletter | None = None,
) -> Newsletter:
    policy.require(actor, "mailing.manage_list", mailing_list)
    petition = fields.get("petition")
    if petition is not None and not policy.has_perm(actor, "petitions.organise", petition):
        raise PermissionDenied
    if newsletter is not None and newsletter.status not in EDITABLE:
        raise PermissionDenied
    with transaction.atomic():
        if newsletter is None:
            newsletter = Newsletter(mailing_list=mailing_list, author=actor)
        for name, value in fields.items():
            setattr(newsletter, name, value)
        newsletter.hashtag = newsletter.hashtag.strip().lstrip("#")
        newsletter.save()
        newsletter.territories.set(territories)
        log_action(actor, "mailing.newsletter.saved", newsletter)
    return newsletter


EDITABLE = (Newsletter.Status.DRAFT, Newsletter.Status.SCHEDULED)


def list_sender(mailing_list: MailingList) -> str:
    """The list's name and, always, the structure behind it: a committee's list cannot
    pass itself off as the national office by its name alone."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((f"{mailing_list.name} ({mailing_list.owner.name})", address))


def _territory_ids(newsletter: Newsletter) -> list[int]:
    return list(newsletter.territories.values_list("pk", flat=True))


def _subscriber_addresses(newsletter: Newsletter) -> Iterator[str]:
    subscribers = Subscription.objects.filter(
        mailing_list=newsletter.mailing_list, status=Subscription.Status.ACTIVE
    )
    roots = _territory_ids(newsletter)
    if roots:
        in_committee = Membership.objects.filter(
            status=Membership.Status.ACTIVE,
        ).filter(subtree_filter(roots, prefix="structure__territory__"))
        subscribers = subscribers.filter(
            subtree_filter(roots, prefix="territory__")
            | Q(user_id__in=in_committee.values("user_id"))
        )
    if newsletter.hashtag:
        subscribers = subscribers.filter(user__interests__key=fold_hashtag(newsletter.hashtag))
    yield from subscribers.values_list("email", flat=True).distinct().iterator()


def _department_codes(roots: list[int]) -> set[str]:
    departments = Territory.objects.filter(level=Territory.Level.DEPARTMENT).filter(
        subtree_filter(roots)
    )
    return set(departments.values_list("code", flat=True))


def _signer_addresses(newsletter: Newsletter) -> Iterator[str]:
    if newsletter.petition_id is None:
        return
    signers = Signature.objects.filter(
        petition_id=newsletter.petition_id,
        status=Signature.Status.CONFIRMED,
        keep_informed=True,
        anonymised_at__isnull=True,
    ).exclude(email_encrypted="")
    roots = _territory_ids(newsletter)
    if roots:
        signers = signers.filter(department__in=_department_codes(roots))
    for encrypted in signers.values_list("email_encrypted", flat=True).iterator():
        yield decrypt_email(encrypted)


def recipients(newsletter: Newsletter) -> Iterator[str]:
    """Every address the issue goes to, once, lower-cased."""
    unsubscribed = set(GlobalUnsubscribe.objects.values_list("email", flat=True))
    seen: set[str] = set()
    for address in chain(_subscriber_addresses(newsletter), _signer_addresses(newsletter)):
        address = normalise(address)
        if address and address not in seen and address not in unsubscribed:
            seen.add(address)
            yield address


def count_recipients(newsletter: Newsletter) -> int:
    return sum(1 for _address in recipients(newsletter))


@dataclass(frozen=True)
class RenderedIssue:
    """The issue rendered once, with markers where each recipient's own links go:
    rendering two templates per recipient would cost more than everything else."""

    subject: str
    body_text: str
    body_html: str
    sender: str
    unsubscribe_marker: str
    preferences_marker: str
    unsubscribe_prefix: str
    preferences_prefix: str

    def personalised(self, body: str, unsubscribe: str, preferences: str) -> str:
        return body.replace(self.unsubscribe_marker, unsubscribe).replace(
            self.preferences_marker, preferences
        )


def _render_issue(newsletter: Newsletter, *, is_test: bool = False) -> RenderedIssue:
    # Random markers: the author's text cannot contain them by chance or on purpose.
    nonce = secrets.token_hex(8)
    unsubscribe_marker, preferences_marker = f"UNSUBSCRIBE-{nonce}", f"PREFERENCES-{nonce}"
    context = {
        "newsletter": newsletter,
        "mailing_list": newsletter.mailing_list,
        "body_html": render_markdown(newsletter.body),
        "unsubscribe_url": unsubscribe_marker,
        "preferences_url": preferences_marker,
        "is_test": is_test,
    }
    return RenderedIssue(
        subject=f"[TEST] {newsletter.subject}" if is_test else newsletter.subject,
        body_text=render_to_string("mailing/email/newsletter_body.txt", context),
        body_html=render_to_string("mailing/email/newsletter_body.html", context),
        sender=list_sender(newsletter.mailing_list),
        unsubscribe_marker=unsubscribe_marker,
        preferences_marker=preferences_marker,
        unsubscribe_prefix=link_prefix("mailing:unsubscribe"),
        preferences_prefix=link_prefix("mailing:preferences"),
    )


def link_prefix(url_name: str) -> str:
    """The absolute URL of a token link without its token: resolving it once rather than
    per recipient saves most of the time a large send takes."""
    return absolute_url(reverse(url_name, args=["TOKEN"])).removesuffix("TOKEN/")


def _issue_email(
    newsletter: Newsletter, issue: RenderedIssue, address: str, key: str
) -> OutgoingEmail:
    link = UnsubscribeLink(newsletter.mailing_list_id, address, newsletter.petition_id)
    leave_url = f"{issue.unsubscribe_prefix}{unsubscribe_token(link)}/"
    settings_url = f"{issue.preferences_prefix}{preferences_token(address)}/"
    return OutgoingEmail(
        key=key,
        to=address,
        subject=issue.subject,
        body_text=issue.personalised(issue.body_text, leave_url, settings_url),
        body_html=issue.personalised(issue.body_html, leave_url, settings_url),
        category=OutboxMessage.Category.NEWSLETTER,
        priority=OutboxMessage.PRIORITY_BULK,
        # RFC 8058: mail clients show an "unsubscribe" button that POSTs to this URL.
        headers={
            "List-Unsubscribe": f"<{leave_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<{newsletter.mailing_list.slug}.{settings.MAILING_DOMAIN}>",
        },
        from_email=issue.sender,
    )


def key_prefix(newsletter: Newsletter) -> str:
    return f"newsletter:{newsletter.pk}:"


def send_test(*, actor: Any, newsletter: Newsletter) -> str:
    """The issue as a subscriber will get it, to the manager's own address."""
    policy.require(actor, "mailing.manage_list", newsletter.mailing_list)
    address = verified_address(actor) or normalise(actor.email)
    key = f"newsletter-test:{newsletter.pk}:{actor.pk}:{secrets.token_hex(8)}"
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        issue = _render_issue(newsletter, is_test=True)
        email = _issue_email(newsletter, issue, address, key)
        enqueue([email])
        log_action(actor, "mailing.newsletter.test_sent", newsletter)
    return address


def send_now(*, actor: Any, newsletter: Newsletter) -> None:
    """Mark the issue as being sent and hand it to the task worker: expanding tens of
    thousands of recipients takes longer than a web request may. The task is enqueued
    in this transaction (database task backend), so it exists only if the status does;
    should it be lost anyway, the periodic task picks up issues left "being sent"."""
    policy.require(actor, "mailing.manage_list", newsletter.mailing_list)
    if newsletter.status not in EDITABLE:
        raise PermissionDenied
    from colombe.mailing.tasks import dispatch_newsletter  # tasks imports this module

    with transaction.atomic():
        newsletter.status = Newsletter.Status.SENDING
        newsletter.save(update_fields=["status"])
        log_action(actor, "mailing.newsletter.sent", newsletter)
        dispatch_newsletter.enqueue(newsletter.pk)
    newsletter.refresh_from_db()


def schedule(*, actor: Any, newsletter: Newsletter, when: datetime) -> None:
    policy.require(actor, "mailing.manage_list", newsletter.mailing_list)
    if newsletter.status not in EDITABLE:
        raise PermissionDenied
    with transaction.atomic():
        newsletter.status = Newsletter.Status.SCHEDULED
        newsletter.scheduled_for = when
        newsletter.save(update_fields=["status", "scheduled_for"])
        log_action(actor, "mailing.newsletter.scheduled", newsletter, {"at": when.isoformat()})


def unschedule(*, actor: Any, newsletter: Newsletter) -> None:
    policy.require(actor, "mailing.manage_list", newsletter.mailing_list)
    if newsletter.status != Newsletter.Status.SCHEDULED:
        raise PermissionDenied
    with transaction.atomic():
        newsletter.status = Newsletter.Status.DRAFT
        newsletter.scheduled_for = None
        newsletter.save(update_fields=["status", "scheduled_for"])
        log_action(actor, "mailing.newsletter.unscheduled", newsletter)


def dispatch(newsletter: Newsletter) -> int:
    """Expand the recipients into outbox rows and mark the issue sent, in one
    transaction. Safe to repeat: rows already queued are not queued again."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if locked.status == Newsletter.Status.SENT:
            return 0
        issue = _render_issue(locked)
        prefix = key_prefix(locked)
        emails = (
            _issue_email(locked, issue, address, prefix + address_hash(address))
            for address in recipients(locked)
        )
        queued = enqueue(emails)
        locked.status = Newsletter.Status.SENT
        locked.sent_at = timezone.now()
        locked.recipients_count = OutboxMessage.objects.filter(key__startswith=prefix).count()
        locked.save(update_fields=["status", "sent_at", "recipients_count"])
        log_action(None, "mailing.newsletter.dispatched", locked, {"queued": queued})
    newsletter.refresh_from_db()
    return queued


def send_due_newsletters() -> int:
    """Scheduled issues whose time has come, and issues whose sending task was lost
    (run by the periodic task)."""
    due = Newsletter.objects.filter(
        Q(status=Newsletter.Status.SCHEDULED, scheduled_for__lte=timezone.now())
        | Q(status=Newsletter.Status.SENDING)
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        dispatch(Newsletter.objects.get(pk=pk))
        sent += 1
    return sent


def progress(newsletter: Newsletter) -> dict[str, int]:
    """How the issue's messages are doing, from their outbox rows."""
    rows = (
        OutboxMessage.objects.filter(key__startswith=key_prefix(newsletter))
        .values("state")
        .annotate(count=Count("id"))
    )
    counts = {state: 0 for state in OutboxMessage.State.values}
    counts.update({row["state"]: row["count"] for row in rows})
    counts["total"] = sum(counts.values())
    return counts
