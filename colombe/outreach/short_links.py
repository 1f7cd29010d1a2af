"""Short links for tracts and posters: ``/l/<code>`` sends the visitor on to a page of
this site or to an https:// address, and counts one visit for the day.

Members link to pages of this site. A link to another site would let anyone with an
account send readers of the movement's tracts (and anyone given a colombe address)
wherever they like, so only the communication group makes or edits those
(``outreach.link_elsewhere``); links made before this rule keep working.

Counting keeps nothing about the visitor: no address, no browser, no cookie — only a
number per link and per day, incremented in the database in one statement so that
simultaneous visits are all counted."""

import secrets
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.mail import absolute_url
from colombe.movement.models import Structure
from colombe.outreach.models import Campaign, ShortLink, ShortLinkVisits
from colombe.outreach.policy import structures_user_speaks_for

# Letters and digits nobody confuses when typing a code from paper (no 0/o, 1/l/i).
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 7
MIN_CHOSEN_CODE = 3


def random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def public_address(link: ShortLink) -> str:
    """The address printed on paper: the site's public address, whatever host the page
    that shows it was asked under."""
    return absolute_url(reverse("presence:short_link", args=[link.code]))


def clean_target(value: str) -> str:
    """A path of this site or an https:// address; anything else (javascript:, data:,
    http:// to another site, //host) is refused."""
    target = value.strip()
    if any(character.isspace() or ord(character) < 32 for character in target):
        raise ValidationError(_("An address has no spaces."))
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        if parts.path.startswith("/l/"):
            raise ValidationError(_("A short link cannot lead to another short link."))
        return target
    if parts.scheme == "https" and parts.hostname and "@" not in parts.netloc:
        return target
    raise ValidationError(
        _("Give a page of this site (starting with /) or an address starting with https://.")
    )


def leads_elsewhere(target: str) -> bool:
    """Whether a clean target is on another site (a full address to this site's own
    host counts as this site)."""
    if target.startswith("/"):
        return False
    own_host = urlsplit(settings.SITE_URL).hostname or ""
    return (urlsplit(target).hostname or "").lower() != own_host.lower()


LINK_ELSEWHERE_REFUSED = gettext_lazy(
    "A short link can lead to a page of this site only (starting with /). For a link to "
    "another site, ask the communication group."
)


def check_may_link_to(user: Any, target: str) -> None:
    if leads_elsewhere(target) and not policy.has_perm(user, "outreach.link_elsewhere"):
        raise ValidationError(LINK_ELSEWHERE_REFUSED)


def clean_code(value: str) -> str:
    code = value.strip().lower()
    if len(code) < MIN_CHOSEN_CODE:
        raise ValidationError(
            _("A code has at least %(count)d characters.") % {"count": MIN_CHOSEN_CODE}
        )
    if resolve(reverse("outreach:short_link", args=[code])).url_name != "short_link":
        # Its management page would be another page ("nouveau" is the creation form).
        raise ValidationError(_("This code is reserved, choose another one."))
    if ShortLink.objects.filter(code__iexact=code).exists():
        raise ValidationError(_("This code is already used by another link."))
    return code


class ShortLinkForm(forms.ModelForm):
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "What comes after /l/ in the address. Leave empty for a short random code; "
            "it cannot be changed once the link is printed."
        ),
    )

    class Meta:
        model = ShortLink
        fields = ["title", "target", "code", "structure", "campaign"]
        help_texts = {"title": gettext_lazy("For you and the other members, e.g. “Tract May 1”.")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        structure = self.fields["structure"]
        campaign = self.fields["campaign"]
        assert isinstance(structure, forms.ModelChoiceField)
        assert isinstance(campaign, forms.ModelChoiceField)
        structure.queryset = structures_user_speaks_for(user).order_by("name")
        campaign.queryset = policy.visible(Campaign, user)
        if not policy.has_perm(user, "outreach.link_elsewhere"):
            self.fields["target"].help_text = gettext_lazy(
                "A page of this site, e.g. /petitions/… Links to other sites are made by the "
                "communication group."
            )
        if self.instance.pk:
            # Printed QR codes carry the code: it stays as it was.
            del self.fields["code"]

    def clean_target(self) -> str:
        target = clean_target(self.cleaned_data["target"])
        check_may_link_to(self.user, target)
        return target

    def clean_code(self) -> str:
        code = self.cleaned_data.get("code") or ""
        return clean_code(code) if code else ""


class ShortLinkSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)


def create_short_link(
    *,
    actor: Any,
    title: str,
    target: str,
    code: str = "",
    structure: Structure | None = None,
    campaign: Campaign | None = None,
) -> ShortLink:
    policy.require(actor, "outreach.add_short_link")
    require_may_link_to(actor, target)
    fields = {
        "title": title,
        "target": target,
        "structure": structure,
        "campaign": campaign,
        "created_by": actor,
    }
    while True:
        try:
            with transaction.atomic():
                link = ShortLink.objects.create(code=code or random_code(), **fields)
                log_action(actor, "outreach.short_link.created", link, {"code": link.code})
            return link
        except IntegrityError:
            if code:
                raise ValidationError(_("This code is already used by another link.")) from None
            # Two random codes met (or a racing creation): draw another.


def update_short_link(*, actor: Any, link: ShortLink, **fields: Any) -> ShortLink:
    policy.require(actor, "outreach.edit_short_link", link)
    require_may_link_to(actor, fields.get("target", link.target))
    with transaction.atomic():
        for name, value in fields.items():
            setattr(link, name, value)
        link.save(update_fields=list(fields))
        log_action(actor, "outreach.short_link.updated", link, {"fields": sorted(fields)})
    return link


def require_may_link_to(actor: Any, target: str) -> None:
    """The services' own check (the form explains it first): refused with a 403."""
    if leads_elsewhere(target):
        policy.require(actor, "outreach.link_elsewhere")


def delete_short_link(*, actor: Any, link: ShortLink) -> None:
    policy.require(actor, "outreach.edit_short_link", link)
    with transaction.atomic():
        log_action(actor, "outreach.short_link.deleted", link, {"code": link.code})
        link.delete()


def count_visit(link: ShortLink) -> None:
    """One more visit today: an increment in the database, or the day's first row."""
    today = timezone.localdate()
    counted = ShortLinkVisits.objects.filter(link=link, day=today).update(visits=F("visits") + 1)
    if counted:
        return
    try:
        with transaction.atomic():
            ShortLinkVisits.objects.create(link=link, day=today, visits=1)
    except IntegrityError:
        # Another visit created the day's row in the meantime.
        ShortLinkVisits.objects.filter(link=link, day=today).update(visits=F("visits") + 1)


def visits_per_day(link: ShortLink, days: int) -> list[tuple[date, int]]:
    """The last ``days`` days, today included, oldest first, with days without visits."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    counted = dict(
        link.daily_visits.filter(day__gte=first).values_list("day", "visits").order_by("day")
    )
    return [(day, counted.get(day, 0)) for day in (first + timedelta(n) for n in range(days))]


def matching_links(links: QuerySet[ShortLink], query: str) -> QuerySet[ShortLink]:
    return links.filter(
        Q(title__icontains=query) | Q(code__icontains=query) | Q(target__icontains=query)
    )
