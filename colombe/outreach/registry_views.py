"""The communication hub for members: the registry of the movement's accounts and its
naming convention, the editorial charter and its checklist, the communication team and
the "Relais jeunes"."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from colombe.accounts.models import User
from colombe.core import interest_policy, interests, policy
from colombe.core.object_views import visible_object_view
from colombe.movement.models import Membership, Structure
from colombe.outreach import identity_images, naming
from colombe.outreach import policy as outreach_policy
from colombe.outreach import registry_forms as forms
from colombe.outreach import registry_services as services
from colombe.outreach.access import members_only
from colombe.outreach.models import (
    CharterPage,
    ChecklistItem,
    CommunicationRole,
    NamingRule,
    OutreachVolunteer,
    SocialAccount,
)

ACCOUNTS_PER_PAGE = 25
LEADS_PER_PAGE = 50
VOLUNTEERS_PER_PAGE = 25
IMAGE_CACHE_SECONDS = 60 * 60


def signed_in_user(request: HttpRequest) -> User:
    """The person behind a members-only view (``members_only`` has sent anonymous
    visitors to log in)."""
    user = request.user
    assert isinstance(user, User)
    return user


def query_string_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def confirm_page(request: HttpRequest, **context: Any) -> HttpResponse:
    return render(request, "outreach/registry/confirm.html", context)


# The hub ------------------------------------------------------------------------------


@members_only
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "may_manage_naming": policy.has_perm(user, "outreach.manage_naming"),
        "may_see_volunteers": policy.has_perm(user, "outreach.see_volunteers"),
        "off_convention": len(naming.non_conforming(registry_accounts(user))),
    }
    return render(request, "outreach/registry/home.html", context)


# The registry -------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    account: SocialAccount
    suggested_label: str | None  # None when the label follows the convention


def registry_accounts(user: Any) -> QuerySet[SocialAccount]:
    return policy.visible(SocialAccount, user).select_related("owner__territory")


def filtered_accounts(user: Any, form: forms.AccountFilterForm) -> QuerySet[SocialAccount]:
    found = registry_accounts(user)
    if not form.is_valid():
        return found
    data = form.cleaned_data
    if data["q"]:
        words = data["q"]
        found = found.filter(
            Q(label__icontains=words) | Q(handle__icontains=words) | Q(owner__name__icontains=words)
        )
    if data["network"]:
        found = found.filter(network=data["network"])
    if data["owner"] is not None:
        found = found.filter(owner=data["owner"])
    if data["status"]:
        found = found.filter(status=data["status"])
    return found


def account_rows(accounts: QuerySet[SocialAccount], only_off_convention: bool) -> list[AccountRow]:
    """Every account with its suggested label. The registry holds hundreds of accounts
    at most, and the check needs Python (normalised comparison), so it runs on the whole
    filtered list before pagination."""
    convention = naming.Convention()
    rows = [
        AccountRow(
            account, None if convention.conforms(account) else convention.expected_label(account)
        )
        for account in accounts
    ]
    if only_off_convention:
        rows = [row for row in rows if row.suggested_label is not None]
    return rows


def account_list_page(request: HttpRequest, *, nonconforming_page: bool) -> HttpResponse:
    data = request.GET.copy()
    if nonconforming_page:
        data["off_convention"] = "on"
    form = forms.AccountFilterForm(data)
    only_off = form.is_valid() and form.cleaned_data["off_convention"]
    rows = account_rows(filtered_accounts(request.user, form), only_off)
    page = Paginator(rows, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "rows": page.object_list,
        "query_string": query_string_without_page(request),
        "nonconforming_page": nonconforming_page,
        "filtered": any(request.GET.get(name) for name in form.fields),
        "may_add": policy.has_perm(request.user, "outreach.add_account"),
    }
    return render(request, "outreach/registry/accounts.html", context)


@members_only
def accounts(request: HttpRequest) -> HttpResponse:
    return account_list_page(request, nonconforming_page=False)


@members_only
def nonconforming(request: HttpRequest) -> HttpResponse:
    return account_list_page(request, nonconforming_page=True)


@visible_object_view(SocialAccount, login=True, lookup="pk")
def account(request: HttpRequest, account: SocialAccount) -> HttpResponse:
    convention = naming.Convention()
    context = {
        "account": account,
        "responsible": account.responsible.order_by("display_name", "pk"),
        "conforms": convention.conforms(account),
        "rule": convention.rule_for(account.owner),
        "expected_label": convention.expected_label(account),
        "expected_bio": convention.expected_bio(account),
        "banner": identity_images.banner_format(account),
        "avatar_size": identity_images.AVATAR_SIZE,
        "may_edit": policy.has_perm(request.user, "outreach.edit_account", account),
        "may_connect": policy.has_perm(request.user, "outreach.connect_account", account),
    }
    return render(request, "outreach/registry/account.html", context)


def account_form_page(request: HttpRequest, account: SocialAccount | None) -> HttpResponse:
    form = forms.AccountForm(request.POST or None, instance=account, user=request.user)
    context = {"form": form, "account": account}
    if request.method != "POST":
        return render(request, "outreach/registry/account_form.html", context)
    if not form.is_valid():
        return render(request, "outreach/registry/account_form.html", context, status=422)
    responsible = form.cleaned_data["responsible"]
    if account is None:
        account = services.create_account(
            request.user, responsible=responsible, **form.account_fields()
        )
    else:
        services.update_account(
            request.user, account, responsible=responsible, **form.account_fields()
        )
    messages.success(request, _("The account is saved in the registry."))
    return redirect(account)


@members_only
def account_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "outreach.add_account")
    return account_form_page(request, None)


@visible_object_view(SocialAccount, login=True, perm="outreach.edit_account", lookup="pk")
def account_edit(request: HttpRequest, account: SocialAccount) -> HttpResponse:
    return account_form_page(request, account)


@visible_object_view(SocialAccount, login=True, perm="outreach.edit_account", lookup="pk")
def account_delete(request: HttpRequest, account: SocialAccount) -> HttpResponse:
    if request.method != "POST":
        return confirm_page(
            request,
            page_title=_("Remove %(account)s from the registry?") % {"account": account},
            question=_(
                "The account itself stays on %(network)s: only its entry in Colombe goes. "
                "An account that is not used any more can also be marked dormant."
            )
            % {"network": account.get_network_display()},
            submit_label=_("Remove from the registry"),
            cancel_url=account.get_absolute_url(),
            back=(reverse("outreach:accounts"), _("Accounts")),
        )
    try:
        services.delete_account(request.user, account)
    except services.RegistryError as refusal:
        messages.error(request, refusal.message)
        return redirect(account)
    messages.success(request, _("The account is removed from the registry."))
    return redirect("outreach:accounts")


def png_response(picture: bytes) -> HttpResponse:
    return HttpResponse(picture, content_type="image/png")


@require_GET
@cache_control(private=True, max_age=IMAGE_CACHE_SECONDS)
@visible_object_view(SocialAccount, login=True, lookup="pk")
def account_avatar(request: HttpRequest, account: SocialAccount) -> HttpResponse:
    return png_response(identity_images.avatar_png(account))


@require_GET
@cache_control(private=True, max_age=IMAGE_CACHE_SECONDS)
@visible_object_view(SocialAccount, login=True, lookup="pk")
def account_banner(request: HttpRequest, account: SocialAccount) -> HttpResponse:
    picture = identity_images.banner_png(account)
    if picture is None:
        raise Http404
    return png_response(picture)


# The naming convention ----------------------------------------------------------------


@dataclass(frozen=True)
class RuleExample:
    """What a rule gives for a real structure of its kind, and how many accounts of that
    kind follow it."""

    kind: str
    kind_label: str
    rule: NamingRule | None
    structure: Structure | None
    label: str | None
    bio: str | None
    accounts: int
    off_convention: int


def example_structure(kind: str) -> Structure | None:
    of_kind = Structure.objects.filter(kind=kind).select_related("territory").order_by("name")
    return of_kind.filter(social_accounts__isnull=False).first() or of_kind.first()


def rule_example(kind: str, kind_label: str, rule: NamingRule | None) -> RuleExample:
    structure = example_structure(kind)
    label = bio = None
    if rule is not None and structure is not None:
        label = naming.filled_or_none(rule.label_template, structure)
        bio = naming.filled_or_none(rule.bio_template, structure) if rule.bio_template else None
    accounts = list(
        SocialAccount.objects.filter(owner__kind=kind).select_related("owner__territory")
    )
    off = naming.Convention([rule] if rule is not None else []).non_conforming(accounts)
    return RuleExample(kind, kind_label, rule, structure, label, bio, len(accounts), len(off))


@members_only
def naming_rules(request: HttpRequest) -> HttpResponse:
    rules = {rule.owner_kind: rule for rule in NamingRule.objects.all()}
    examples = [
        rule_example(kind, str(label), rules.get(kind)) for kind, label in Structure.Kind.choices
    ]
    context = {
        "examples": examples,
        "may_manage": policy.has_perm(request.user, "outreach.manage_naming"),
        "placeholders": naming.PLACEHOLDERS,
    }
    return render(request, "outreach/registry/naming_rules.html", context)


@login_required
def naming_rule(request: HttpRequest, kind: str) -> HttpResponse:
    """Edit the rule of one kind of owner. "Preview" shows what the templates give for a
    real structure, and how many accounts would be off the convention, before saving."""
    policy.require(request.user, "outreach.manage_naming")
    kinds = dict(Structure.Kind.choices)
    if kind not in kinds:
        raise Http404
    rule = NamingRule.objects.filter(owner_kind=kind).first()
    form = forms.NamingRuleForm(request.POST or None, instance=rule or NamingRule(owner_kind=kind))
    context: dict[str, Any] = {"form": form, "kind_label": kinds[kind], "kind": kind}
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        services.save_naming_rule(request.user, kind, **form.cleaned_data)
        messages.success(request, _("The naming rule is saved."))
        return redirect("outreach:naming_rules")
    shown = form.instance if request.method == "POST" and form.is_valid() else rule
    context["example"] = rule_example(kind, str(kinds[kind]), shown)
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "outreach/registry/naming_rule_form.html", context, status=status)


# The charter --------------------------------------------------------------------------


@members_only
def charter(request: HttpRequest) -> HttpResponse:
    context = {
        "pages": policy.visible(CharterPage, request.user),
        "items": ChecklistItem.objects.filter(is_active=True),
        "may_edit": policy.has_perm(request.user, "outreach.edit_charter"),
    }
    return render(request, "outreach/charter/index.html", context)


@visible_object_view(CharterPage, login=True)
def charter_page(request: HttpRequest, page: CharterPage) -> HttpResponse:
    context = {
        "page": page,
        "pages": policy.visible(CharterPage, request.user).only("title", "slug"),
        "may_edit": policy.has_perm(request.user, "outreach.edit_charter", page),
    }
    return render(request, "outreach/charter/page.html", context)


def charter_form_page(request: HttpRequest, page: CharterPage | None) -> HttpResponse:
    form = forms.CharterPageForm(request.POST or None, instance=page)
    context = {"form": form, "page": page}
    if request.method != "POST":
        return render(request, "outreach/charter/page_form.html", context)
    if not form.is_valid():
        return render(request, "outreach/charter/page_form.html", context, status=422)
    if page is None:
        page = services.create_charter_page(request.user, **form.cleaned_data)
    else:
        services.update_charter_page(request.user, page, **form.cleaned_data)
    messages.success(request, _("The charter page is saved."))
    return redirect(page)


@login_required
def charter_page_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "outreach.edit_charter")
    return charter_form_page(request, None)


@visible_object_view(CharterPage, login=True, perm="outreach.edit_charter")
def charter_page_edit(request: HttpRequest, page: CharterPage) -> HttpResponse:
    return charter_form_page(request, page)


@visible_object_view(CharterPage, login=True, perm="outreach.edit_charter")
def charter_page_delete(request: HttpRequest, page: CharterPage) -> HttpResponse:
    if request.method != "POST":
        return confirm_page(
            request,
            page_title=_("Delete the page “%(title)s”?") % {"title": page.title},
            question=_("The page leaves the charter for everyone. This cannot be undone."),
            submit_label=_("Delete the page"),
            cancel_url=page.get_absolute_url(),
            back=(reverse("outreach:charter"), _("Editorial charter")),
        )
    services.delete_charter_page(request.user, page)
    messages.success(request, _("The page is deleted."))
    return redirect("outreach:charter")


def checklist_page(
    request: HttpRequest, form: forms.ChecklistItemForm, status: int = 200
) -> HttpResponse:
    context = {"form": form, "items": ChecklistItem.objects.all()}
    return render(request, "outreach/charter/checklist.html", context, status=status)


@login_required
def checklist(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "outreach.edit_charter")
    form = forms.ChecklistItemForm(request.POST or None)
    if request.method != "POST":
        return checklist_page(request, form)
    if not form.is_valid():
        return checklist_page(request, form, status=422)
    services.add_checklist_item(request.user, form.cleaned_data["text"])
    messages.success(request, _("The question is added to the checklist."))
    return redirect("outreach:checklist")


def checklist_item_or_404(request: HttpRequest, pk: int) -> ChecklistItem:
    policy.require(request.user, "outreach.edit_charter")
    return get_object_or_404(ChecklistItem, pk=pk)


@login_required
def checklist_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = checklist_item_or_404(request, pk)
    form = forms.ChecklistItemForm(request.POST or None, instance=item)
    context = {"form": form, "item": item}
    if request.method != "POST":
        return render(request, "outreach/charter/checklist_item_form.html", context)
    if not form.is_valid():
        return render(request, "outreach/charter/checklist_item_form.html", context, status=422)
    services.reword_checklist_item(request.user, item, form.cleaned_data["text"])
    messages.success(request, _("The question is reworded."))
    return redirect("outreach:checklist")


@login_required
@require_POST
def checklist_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = checklist_item_or_404(request, pk)
    services.move_checklist_item(request.user, item, up=request.POST.get("direction") == "up")
    return redirect("outreach:checklist")


@login_required
@require_POST
def checklist_item_retire(request: HttpRequest, pk: int) -> HttpResponse:
    item = checklist_item_or_404(request, pk)
    services.set_checklist_item_in_use(request.user, item, in_use=False)
    messages.success(request, _("The question is retired: reviews no longer ask it."))
    return redirect("outreach:checklist")


@login_required
@require_POST
def checklist_item_restore(request: HttpRequest, pk: int) -> HttpResponse:
    item = checklist_item_or_404(request, pk)
    services.set_checklist_item_in_use(request.user, item, in_use=True)
    messages.success(request, _("The question is back in the checklist."))
    return redirect("outreach:checklist")


# The communication team ---------------------------------------------------------------


def may_appoint_anyone(user: Any) -> bool:
    return outreach_policy.can_appoint(user, None) or forms.appointable_structures(user).exists()


def team_page(
    request: HttpRequest, form: forms.AppointForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    leads = CommunicationRole.objects.filter(structure__isnull=False).select_related(
        "user", "structure"
    )
    page = Paginator(leads.order_by("structure__name", "user__display_name"), LEADS_PER_PAGE)
    may_appoint = may_appoint_anyone(user)
    context = {
        "admins": national_admins(),
        "group": CommunicationRole.objects.filter(structure__isnull=True)
        .select_related("user")
        .order_by("user__display_name", "pk"),
        "page_obj": page.get_page(request.GET.get("page")),
        "may_appoint_group": outreach_policy.can_appoint(user, None),
        "removable": removable_structures(user),
        "form": form or (forms.AppointForm(user=user) if may_appoint else None),
    }
    return render(request, "outreach/team/team.html", context, status=status)


def national_admins() -> QuerySet[User]:
    """In the communication group by right."""
    return User.objects.filter(is_national_admin=True, is_active=True).order_by("display_name")


def removable_structures(user: Any) -> set[int | None]:
    """The roles ``user`` may take back, as structure ids (None: the group's seats)."""
    ids: set[int | None] = set(forms.appointable_structures(user).values_list("pk", flat=True))
    if outreach_policy.can_appoint(user, None):
        ids.add(None)
    return ids


@members_only
def team(request: HttpRequest) -> HttpResponse:
    return team_page(request)


@members_only
@require_POST
def team_add(request: HttpRequest) -> HttpResponse:
    if not may_appoint_anyone(request.user):
        raise PermissionDenied
    form = forms.AppointForm(request.POST, user=request.user)
    if not form.is_valid():
        return team_page(request, form, status=422)
    structure, person = form.cleaned_data["structure"], form.cleaned_data["person"]
    try:
        services.appoint(request.user, person, structure)
    except services.RegistryError as refusal:
        form.add_error(None, refusal.message)
        return team_page(request, form, status=422)
    messages.success(request, _("%(name)s is appointed.") % {"name": person.public_name})
    return redirect("outreach:team")


@members_only
def team_remove(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(CommunicationRole.objects.select_related("user", "structure"), pk=pk)
    policy.require(request.user, "outreach.appoint", role.structure)
    if request.method != "POST":
        return confirm_page(
            request,
            page_title=_("Take back this role from %(name)s?") % {"name": role.user.public_name},
            question=role_description(role),
            submit_label=_("Take back the role"),
            cancel_url=reverse("outreach:team"),
            back=(reverse("outreach:team"), _("Communication team")),
        )
    services.dismiss(request.user, role)
    messages.success(request, _("The role is taken back."))
    return redirect("outreach:team")


def role_description(role: CommunicationRole) -> str:
    if role.structure is None:
        return _("%(name)s will no longer be a member of the national communication group.") % {
            "name": role.user.public_name
        }
    return _("%(name)s will no longer be the communication lead of %(structure)s.") % {
        "name": role.user.public_name,
        "structure": role.structure.name,
    }


# Relais jeunes ------------------------------------------------------------------------


@members_only
def volunteer(request: HttpRequest) -> HttpResponse:
    offer = OutreachVolunteer.objects.filter(user=signed_in_user(request)).first()
    form = forms.VolunteerForm(request.POST or None, instance=offer)
    context = {"form": form, "offer": offer}
    if request.method != "POST":
        return render(request, "outreach/volunteers/form.html", context)
    if not form.is_valid():
        return render(request, "outreach/volunteers/form.html", context, status=422)
    services.save_volunteer_offer(request.user, **form.cleaned_data)
    messages.success(request, _("Thank you! The communication group can now see your offer."))
    return redirect("outreach:volunteer")


@members_only
def volunteer_withdraw(request: HttpRequest) -> HttpResponse:
    if not OutreachVolunteer.objects.filter(user=signed_in_user(request)).exists():
        return redirect("outreach:volunteer")
    if request.method != "POST":
        return confirm_page(
            request,
            page_title=_("Withdraw your offer?"),
            question=_("Your offer is deleted: the communication group will no longer see it."),
            submit_label=_("Withdraw my offer"),
            cancel_url=reverse("outreach:volunteer"),
            back=(reverse("outreach:home"), _("Social networks")),
        )
    services.withdraw_volunteer_offer(request.user)
    messages.success(request, _("Your offer is withdrawn and deleted."))
    return redirect("outreach:home")


def filtered_volunteers(form: forms.VolunteerFilterForm) -> QuerySet[OutreachVolunteer]:
    active = Membership.objects.filter(status=Membership.Status.ACTIVE).select_related(
        "structure__territory"
    )
    found = (
        OutreachVolunteer.objects.filter(user__is_active=True)
        .select_related("user")
        .prefetch_related(
            Prefetch("user__memberships", queryset=active, to_attr="active_memberships")
        )
        .order_by("user__display_name", "pk")
    )
    if not form.is_valid():
        return found
    role, network = form.cleaned_data["role"], form.cleaned_data["network"]
    by_role = {"content": "creates_content", "training": "trains_others", "young": "is_young"}
    if role:
        found = found.filter(**{by_role[role]: True})
    if network:
        found = found.filter(networks__icontains=network)
    return found


def contactable_ids(viewer: Any, offers: list[OutreachVolunteer]) -> set[int]:
    """People the viewer may write to through the platform: both said yes to showing
    their interests (core's contact feature); nobody's address is shown."""
    if not interest_policy.shares_interests(viewer):
        return set()
    people = [offer.user_id for offer in offers if offer.user_id != viewer.pk]
    return set(interests.sharing_members().filter(pk__in=people).values_list("pk", flat=True))


@login_required
def volunteers(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "outreach.see_volunteers")
    form = forms.VolunteerFilterForm(request.GET)
    page = Paginator(filtered_volunteers(form), VOLUNTEERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    offers = list(page.object_list)
    context = {
        "form": form,
        "page_obj": page,
        "offers": offers,
        "contactable": contactable_ids(request.user, offers),
        "query_string": query_string_without_page(request),
        "filtered": any(request.GET.get(name) for name in form.fields),
    }
    return render(request, "outreach/volunteers/list.html", context)
