"""Actions on petitions and signatures.

Signing must hold under thousands of signatures a minute without losing or duplicating
one: a signature is one INSERT guarded by the database's unique constraint on (petition,
keyed hash of the canonical email), committed together with its confirmation email task;
the counter lives in shards (counters.py). Signers' personal data never reaches the audit
log or the task queue in clear."""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.markdown import render_markdown
from colombe.core.slugs import first_free_slug
from colombe.movement.models import Structure
from colombe.petitions import counters, crypto, signature_insert
from colombe.petitions.models import Petition, PetitionRevision, Signature
from colombe.petitions.postcodes import department_from_postcode

# Kept in services' public API: views and tasks import them from here.
signature_count = counters.signature_count
signature_counts = counters.signature_counts
reconcile_counter = counters.reconcile_counter

# A pending signer who signs again gets the confirmation email again, at most this often:
# enough to recover a lost email, too rare to turn the form into a mail cannon.
RESEND_INTERVAL = timedelta(minutes=10)
# First path segments of the app's own URLs (urls.py): a petition with one of these as its
# slug would be shadowed by the route, or shadow it. A test checks the list stays complete.
RESERVED_SLUGS = {
    "altcha",
    "confirmer",
    "gerer",
    "retirer",
    # Not routes today, but words a route could take tomorrow.
    "nouvelle",
    "nouveau",
    "new",
    "widget",
}
# What organisers may set through create_petition / update_petition, in the order the
# organisers' form shows them.
EDITABLE_FIELDS = (
    "title",
    "body",
    "addressee",
    "goal",
    "starts_at",
    "ends_at",
    "collect_postcode",
    "collect_country",
    "collect_comment",
    "consent_text",
    "retention_months",
)
Status = Signature.Status


class PetitionError(Exception):
    """An action the rules refuse, with a translated message to show to the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PetitionClosed(PetitionError):
    """The petition does not accept signatures (draft, not yet open, or closed)."""


class AlreadySigned(PetitionError):
    def __init__(self, *, resent: bool) -> None:
        if resent:
            message = _(
                "You have already signed this petition. We have sent the confirmation "
                "email again: open it to confirm your signature."
            )
        else:
            message = _("You have already signed this petition.")
        super().__init__(message)
        self.resent = resent


class InvalidToken(PetitionError):
    """The link is unknown, tampered with, expired, or its signature was withdrawn."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or _(
                "This link does not work: it may be incomplete, or the signature it "
                "belongs to was withdrawn."
            )
        )


@dataclass
class SignResult:
    signature: Signature
    token: str  # raw token, only ever sent in the confirmation email


@dataclass
class ImportReport:
    created: int = 0
    duplicates: list[int] = field(default_factory=list)  # row numbers, first row is 1
    errors: list[tuple[int, str]] = field(default_factory=list)


# --- signing -------------------------------------------------------------------------


def confirmation_days() -> int:
    return int(getattr(settings, "PETITION_CONFIRMATION_DAYS", 7))


def new_token() -> tuple[str, str]:
    """A random link token and the hash stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def identity_hash(first_name: str, last_name: str, postcode: str) -> str:
    """Keyed hash of a person's name and postcode, insensitive to case, accents and
    spacing: "Élise  MARTIN" and "elise martin" are the same signer."""
    parts = [first_name, last_name, postcode.replace(" ", "")]
    return crypto.keyed_hash("identity:" + "|".join(normalise(part) for part in parts))


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(letters.casefold().split())


def check_open(petition: Petition) -> None:
    now = timezone.now()
    if petition.status != Petition.Status.PUBLISHED or (
        petition.ends_at is not None and petition.ends_at <= now
    ):
        raise PetitionClosed(_("This petition is closed: it no longer accepts signatures."))
    if petition.starts_at is not None and petition.starts_at > now:
        raise PetitionClosed(_("This petition is not open for signatures yet."))


def check_signer(
    first_name: str, last_name: str, email: str, postcode: str, town: str, country: str
) -> None:
    """What the form already checks, checked again: a service may be called from
    elsewhere (an import, the shell), and a too-long value must not become a 500."""
    if not first_name.strip() or not last_name.strip():
        raise PetitionError(_("Please give your first name and last name."))
    if max(len(first_name.strip()), len(last_name.strip()), len(town.strip())) > 100:
        raise PetitionError(_("A name or town is too long (100 characters at most)."))
    if len(postcode.strip()) > 12:
        raise PetitionError(_("The postcode is too long."))
    if country and not (len(country) == 2 and country.isalpha()):
        raise PetitionError(_("Choose a country from the list."))
    try:
        validate_email(email.strip())
    except ValidationError as error:
        raise PetitionError(_("Please enter a valid email address.")) from error


def sign(
    *,
    petition: Petition,
    first_name: str,
    last_name: str,
    email: str,
    postcode: str = "",
    town: str = "",
    country: str = "",
    comment: str = "",
    show_publicly: bool = False,
    keep_informed: bool = False,
    source: str = "",
    language: str = "fr",
) -> SignResult:
    """Store a pending signature and enqueue its confirmation email, in one transaction.

    No prior SELECT: the unique constraint decides, so two simultaneous requests with the
    same address give one row and one AlreadySigned, whatever the interleaving."""
    check_open(petition)
    check_signer(first_name, last_name, email, postcode, town, country)
    now = timezone.now()
    token, hashed_token = new_token()
    signature = Signature(
        petition=petition,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email_encrypted=crypto.encrypt_email(email),
        email_hash=crypto.email_hash(email),
        identity_hash=identity_hash(first_name, last_name, postcode),
        postcode=postcode.strip(),
        town=town.strip(),
        department=department_from_postcode(postcode, country),
        country=country.upper(),
        comment=comment.strip(),
        show_publicly=show_publicly,
        source=source[:40],
        token_hash=hashed_token,
        keep_informed=keep_informed,
        keep_informed_version=petition.consent_version if keep_informed else None,
        keep_informed_at=now if keep_informed else None,
        confirmation_sent_at=now,
    )
    try:
        store_with_confirmation(signature, token, language)
    except IntegrityError:
        raise AlreadySigned(
            resent=resend_confirmation(petition, signature.email_hash, language)
        ) from None
    return SignResult(signature=signature, token=token)


def resend_confirmation(petition: Petition, hashed_email: str, language: str) -> bool:
    """Send a new link to a pending signer, at most once per RESEND_INTERVAL. Only the
    token's hash is stored, so the new email carries a new token (the old link stops
    working; the newest email is the one people open)."""
    now = timezone.now()
    token, hashed_token = new_token()
    with transaction.atomic():
        updated = Signature.objects.filter(
            Q(confirmation_sent_at__isnull=True)
            | Q(confirmation_sent_at__lt=now - RESEND_INTERVAL),
            petition=petition,
            email_hash=hashed_email,
            status=Status.PENDING,
        ).update(token_hash=hashed_token, confirmation_sent_at=now)
        if not updated:
            return False
        signature = Signature.objects.get(token_hash=hashed_token)
        enqueue_confirmation(signature, token, language)
    return True


def store_with_confirmation(signature: Signature, token: str, language: str) -> None:
    """The signature and its confirmation email task, committed together."""
    # Imported here: the tasks module calls this module's maintenance services.
    from colombe.petitions.tasks import send_confirmation_email

    if signature_insert.available(send_confirmation_email):
        # The queue table holds the token sealed and no address: the task decrypts both.
        signature_insert.insert_with_task(
            signature, send_confirmation_email, crypto.seal(token), language
        )
        return
    with transaction.atomic():
        signature.save(force_insert=True)
        enqueue_confirmation(signature, token, language)


def enqueue_confirmation(signature: Signature, token: str, language: str) -> None:
    # Imported here: the tasks module calls this module's maintenance services.
    from colombe.petitions.tasks import send_confirmation_email

    # The queue table holds the token sealed and no address: the task decrypts both.
    send_confirmation_email.enqueue(signature.pk, crypto.seal(token), language)


def find_by_token(token: str) -> Signature:
    signature = (
        Signature.objects.select_related("petition").filter(token_hash=token_hash(token)).first()
    )
    if signature is None or signature.status == Status.WITHDRAWN:
        raise InvalidToken
    return signature


def is_expired(signature: Signature) -> bool:
    return signature.created_at < timezone.now() - timedelta(days=confirmation_days())


def confirm(token: str) -> Signature:
    """Confirm a signature (a POST from the confirmation page). Idempotent: the status
    changes with a conditional UPDATE, so only one of two simultaneous confirmations
    adds to the counter."""
    signature = find_by_token(token)
    if signature.status == Status.CONFIRMED:
        return signature
    if is_expired(signature):
        raise InvalidToken(_("This link has expired. Please sign the petition again."))
    check_open(signature.petition)
    now = timezone.now()
    with transaction.atomic():
        confirmed = Signature.objects.filter(pk=signature.pk, status=Status.PENDING).update(
            status=Status.CONFIRMED, confirmed_at=now
        )
        if confirmed:
            counters.add_to_counter(signature.petition_id, 1)
    signature.refresh_from_db()
    if signature.status == Status.WITHDRAWN:
        raise InvalidToken
    return signature


def withdraw(token: str) -> Signature:
    """The signer takes their signature back: it stops counting and everything that
    identifies them is erased. The row stays (status, date, department) for statistics."""
    signature = find_by_token(token)
    with transaction.atomic():
        locked = Signature.objects.select_for_update().get(pk=signature.pk)
        if locked.status == Status.WITHDRAWN:
            raise InvalidToken
        was_counted = locked.status == Status.CONFIRMED
        erase_signer(locked)
        locked.status = Status.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.save()
        if was_counted:
            counters.add_to_counter(locked.petition_id, -1)
    return locked


def erase_signer(signature: Signature) -> None:
    """Blank what identifies a signer. The email hash becomes random: the row keeps its
    place under the unique constraint and the person may sign again."""
    signature.first_name = ""
    signature.last_name = ""
    signature.email_encrypted = ""
    signature.email_hash = random_hash()
    signature.identity_hash = ""
    signature.postcode = ""
    signature.town = ""
    signature.comment = ""
    signature.token_hash = None
    signature.show_publicly = False


def random_hash() -> str:
    return secrets.token_hex(32)


def latest_public_signers(petition: Petition, limit: int = 10) -> list[tuple[str, str]]:
    """First names and towns of the latest confirmed signers who agreed to be shown."""
    rows = (
        Signature.objects.filter(petition=petition, status=Status.CONFIRMED, show_publicly=True)
        .order_by("-confirmed_at")
        .values_list("first_name", "town")[:limit]
    )
    return [(first_name, town) for first_name, town in rows]


# --- retention -----------------------------------------------------------------------


def purge_unconfirmed() -> int:
    """Delete pending signatures whose confirmation link has expired."""
    cutoff = timezone.now() - timedelta(days=confirmation_days())
    deleted, _by_model = Signature.objects.filter(
        status=Status.PENDING, created_at__lt=cutoff
    ).delete()
    return deleted


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):  # the 31st of a 30-day month is the 30th
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def anonymise_expired() -> int:
    """Anonymise the signers of petitions closed more than ``retention_months`` ago.
    Returns the number of signatures anonymised."""
    now = timezone.now()
    closed = Petition.objects.filter(status=Petition.Status.CLOSED, anonymised_at__isnull=True)
    expired = [petition for petition in closed if retention_over(petition, now)]
    return sum(anonymise_petition(petition, now) for petition in expired)


def retention_over(petition: Petition, now: datetime) -> bool:
    if petition.closed_at is None:
        return False
    return add_months(petition.closed_at, petition.retention_months) <= now


def anonymise_petition(petition: Petition, now: datetime) -> int:
    """Keep what statistics need (status, dates, department, country, source, paper)."""
    anonymised = 0
    with transaction.atomic():
        signatures = Signature.objects.filter(petition=petition, anonymised_at__isnull=True)
        for batch in batches(signatures.only("pk"), 1000):
            for signature in batch:
                erase_signer(signature)
                signature.keep_informed = False
                signature.anonymised_at = now
            Signature.objects.bulk_update(batch, ANONYMISED_FIELDS)
            anonymised += len(batch)
        petition.anonymised_at = now
        petition.save(update_fields=["anonymised_at"])
    return anonymised


ANONYMISED_FIELDS = [
    "first_name",
    "last_name",
    "email_encrypted",
    "email_hash",
    "identity_hash",
    "postcode",
    "town",
    "comment",
    "token_hash",
    "show_publicly",
    "keep_informed",
    "anonymised_at",
]


def batches(queryset: Any, size: int) -> Any:
    batch: list[Signature] = []
    for item in queryset.iterator(chunk_size=size):
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- organising ----------------------------------------------------------------------


def unique_slug(title: str) -> str:
    base = slugify(title)[:200].strip("-") or "petition"
    if base in RESERVED_SLUGS:
        base = f"{base}-petition"
    return first_free_slug(Petition.objects.all(), base)


def checked_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    return fields


def snapshot(petition: Petition) -> dict[str, Any]:
    """The public wording and settings of a petition, as JSON for its history."""
    data: dict[str, Any] = {name: getattr(petition, name) for name in sorted(EDITABLE_FIELDS)}
    data["consent_version"] = petition.consent_version
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in data.items()
    }


def add_revision(petition: Petition, editor: Any) -> PetitionRevision:
    last = petition.revisions.aggregate(last=Max("number"))["last"] or 0
    return PetitionRevision.objects.create(
        petition=petition,
        number=last + 1,
        editor=editor if getattr(editor, "is_authenticated", False) else None,
        snapshot=snapshot(petition),
    )


def create_petition(*, actor: Any, owner: Structure, group: Any = None, **fields: Any) -> Petition:
    """A draft, with its first revision. ``group`` must belong to ``owner``."""
    policy.require(actor, "petitions.create", owner)
    if group is not None and group.owner_id != owner.pk:
        raise PetitionError(_("The organising group must belong to the structure running it."))
    checked_fields(fields)
    fields.setdefault("consent_text", _("Keep me informed about this campaign by email."))
    with transaction.atomic():
        petition = Petition(owner=owner, group=group, created_by=actor, **fields)
        petition.slug = unique_slug(petition.title)
        petition.body_html = render_markdown(petition.body)
        petition.save()
        revision = add_revision(petition, actor)
        log_action(actor, "petitions.petition.created", petition, {"revision": revision.number})
    return petition


def update_petition(*, actor: Any, petition: Petition, **fields: Any) -> Petition:
    """Save an edit as a new revision. A new consent wording gets a new version number,
    so each signature keeps pointing at the exact text its signer agreed to. The slug
    does not change: links already shared keep working."""
    policy.require(actor, "petitions.organise", petition)
    checked_fields(fields)
    changed = sorted(name for name, value in fields.items() if getattr(petition, name) != value)
    if not changed:
        return petition
    with transaction.atomic():
        for name in changed:
            setattr(petition, name, fields[name])
        if "consent_text" in changed:
            petition.consent_version += 1
        if "body" in changed:
            petition.body_html = render_markdown(petition.body)
        petition.save()
        revision = add_revision(petition, actor)
        log_action(
            actor,
            "petitions.petition.updated",
            petition,
            {"revision": revision.number, "fields": changed},
        )
    return petition


def publish(*, actor: Any, petition: Petition) -> Petition:
    policy.require(actor, "petitions.organise", petition)
    if petition.status == Petition.Status.PUBLISHED:
        return petition
    if petition.status != Petition.Status.DRAFT:
        raise PetitionError(_("A closed petition cannot be published again."))
    with transaction.atomic():
        petition.status = Petition.Status.PUBLISHED
        petition.published_at = timezone.now()
        petition.save(update_fields=["status", "published_at", "updated_at"])
        counters.ensure_shards(petition.pk)
        log_action(actor, "petitions.petition.published", petition)
    return petition


def close(*, actor: Any, petition: Petition) -> Petition:
    policy.require(actor, "petitions.organise", petition)
    if petition.status == Petition.Status.CLOSED:
        return petition
    if petition.status != Petition.Status.PUBLISHED:
        raise PetitionError(_("Only a published petition can be closed."))
    with transaction.atomic():
        petition.status = Petition.Status.CLOSED
        petition.closed_at = timezone.now()
        petition.save(update_fields=["status", "closed_at", "updated_at"])
        log_action(actor, "petitions.petition.closed", petition)
    return petition


# --- paper signatures ----------------------------------------------------------------


@dataclass
class PaperRow:
    number: int
    first_name: str
    last_name: str
    email: str
    postcode: str
    town: str

    @classmethod
    def from_dict(cls, number: int, row: dict[str, Any]) -> "PaperRow":
        def text(name: str) -> str:
            return str(row.get(name) or "").strip()

        return cls(
            number,
            text("first_name"),
            text("last_name"),
            text("email"),
            text("postcode"),
            text("town"),
        )

    def error(self) -> str:
        if not self.first_name or not self.last_name:
            return _("First name and last name are required.")
        if len(self.first_name) > 100 or len(self.last_name) > 100 or len(self.town) > 100:
            return _("A name or town is too long (100 characters at most).")
        if len(self.postcode) > 12:
            return _("The postcode is too long.")
        if self.email:
            try:
                validate_email(self.email)
            except ValidationError:
                return _("The email address is not valid.")
        return ""

    @cached_property
    def identity(self) -> str:
        return identity_hash(self.first_name, self.last_name, self.postcode)

    @cached_property
    def unique_hash(self) -> str:
        """What the unique constraint sees: the email's hash, or for a sheet without an
        address, the identity hash (so two imports of the same sheet collide too)."""
        return crypto.email_hash(self.email) if self.email else self.identity


def import_paper(*, actor: Any, petition: Petition, rows: list[dict[str, Any]]) -> ImportReport:
    """Add signatures collected on paper, confirmed at once and marked as paper.

    A row is a duplicate when its email matches any signature of the petition, or, for a
    row without email, when its name and postcode match an earlier signature (online or
    paper) or an earlier row of the same import."""
    policy.require(actor, "petitions.organise", petition)
    report = ImportReport()
    valid: list[PaperRow] = []
    for number, raw in enumerate(rows, start=1):
        row = PaperRow.from_dict(number, raw)
        message = row.error()
        if message:
            report.errors.append((number, message))
        else:
            valid.append(row)
    with transaction.atomic():
        fresh = new_paper_rows(petition, valid, report)
        Signature.objects.bulk_create([paper_signature(petition, row) for row in fresh])
        if fresh:
            counters.add_to_counter(petition.pk, len(fresh))
        report.created = len(fresh)
        log_action(
            actor,
            "petitions.paper.imported",
            petition,
            {
                "created": report.created,
                "duplicates": len(report.duplicates),
                "errors": len(report.errors),
            },
        )
    report.duplicates.sort()
    return report


def new_paper_rows(
    petition: Petition, rows: list[PaperRow], report: ImportReport
) -> list[PaperRow]:
    """Rows that match no signature and no earlier row; the others go to the report."""
    existing = list(
        petition.signatures.filter(
            Q(email_hash__in=[row.unique_hash for row in rows])
            | Q(identity_hash__in=[row.identity for row in rows if not row.email])
        ).values_list("email_hash", "identity_hash")
    )
    seen_hashes = {hashed for hashed, _identity in existing}
    seen_identities = {identity for _hashed, identity in existing}
    fresh: list[PaperRow] = []
    for row in rows:
        duplicate = row.unique_hash in seen_hashes if row.email else row.identity in seen_identities
        if duplicate:
            report.duplicates.append(row.number)
            continue
        seen_hashes.add(row.unique_hash)
        seen_identities.add(row.identity)
        fresh.append(row)
    return fresh


def paper_signature(petition: Petition, row: PaperRow) -> Signature:
    now = timezone.now()
    return Signature(
        petition=petition,
        first_name=row.first_name,
        last_name=row.last_name,
        email_encrypted=crypto.encrypt_email(row.email) if row.email else "",
        email_hash=row.unique_hash,
        identity_hash=row.identity,
        postcode=row.postcode,
        town=row.town,
        department=department_from_postcode(row.postcode),
        source="paper",
        is_paper=True,
        status=Status.CONFIRMED,
        confirmed_at=now,
    )
