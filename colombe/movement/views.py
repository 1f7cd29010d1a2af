from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy, ratelimit
from colombe.groups.models import Group
from colombe.movement import services
from colombe.movement.forms import (
    ROLE_CHOICES,
    ContactForm,
    CoordinatorForm,
    DescriptionForm,
    DirectoryFilterForm,
    JoinForm,
    PartnerChoiceForm,
    PartnerOrganisationForm,
    RoleForm,
    StructureForm,
    TerritoryForm,
)
from colombe.movement.models import Membership, PartnerOrganisation, Structure, Territory
from colombe.movement.policy import (
    any_membership,
    subtree_filter,
    territories_managed_by,
)

PAGE_SIZE = 25
CONTACT_LIMIT_PER_HOUR = 5
Level = Territory.Level

# The region a structure belongs to, computed in SQL so the directory can sort and group
# by it without walking the territory tree object by object.
REGION_NAME = Case(
    When(territory__level=Level.REGION, then=F("territory__name")),
    When(territory__parent__level=Level.REGION, then=F("territory__parent__name")),
    When(territory__parent__parent__level=Level.REGION, then=F("territory__parent__parent__name")),
    default=Value(""),
    output_field=CharField(),
)
ACTIVE_MEMBERS = Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))


def structures_for_listing(kind: str) -> QuerySet[Structure]:
    return (
        Structure.objects.filter(kind=kind)
        .select_related("territory__parent__parent")
        .annotate(region_name=REGION_NAME, member_count=ACTIVE_MEMBERS)
        .order_by("region_name", "name")
    )


def matching(structures: QuerySet[Structure], query: str) -> QuerySet[Structure]:
    return structures.filter(
        Q(name__icontains=query)
        | Q(territory__name__icontains=query)
        | Q(territory__code__iexact=query)
        | Q(territory__parent__name__icontains=query)
        | Q(territory__parent__code__iexact=query)
        | Q(territory__parent__parent__name__icontains=query)
    )


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    committees = structures_for_listing(Structure.Kind.COMMITTEE)
    filters: dict[str, str] = {}
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        region = form.cleaned_data["region"]
        if query:
            committees = matching(committees, query)
            filters["q"] = query
        if region is not None:
            committees = committees.filter(subtree_filter([region.pk], prefix="territory__"))
            filters["region"] = region.slug
    page = Paginator(committees, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "movement/directory.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": bool(filters),
            "query_string": urlencode(filters),
            "can_create": policy.has_perm(request.user, "movement.create_structure", None),
        },
    )


def working_groups(request: HttpRequest) -> HttpResponse:
    groups = structures_for_listing(Structure.Kind.WORKING_GROUP)
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "movement/working_groups.html", {"page_obj": page})


def representative_organisations() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(
            status=Membership.Status.ACTIVE, organisation__isnull=False
        ).select_related("organisation"),
        to_attr="representative_memberships",
    )


def organisations_of(structure: Any) -> list[PartnerOrganisation]:
    """Partner organisations and the organisations its representatives speak for."""
    found = {p.pk: p for p in structure.partners.all()}
    for membership in structure.representative_memberships:
        found.setdefault(membership.organisation.pk, membership.organisation)
    return sorted(found.values(), key=lambda organisation: organisation.name.lower())


def collectives(request: HttpRequest) -> HttpResponse:
    listing = (
        structures_for_listing(Structure.Kind.COLLECTIVE)
        .prefetch_related("partners")
        .prefetch_related(representative_organisations())
    )
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    for collective in page.object_list:
        collective.organisations = organisations_of(collective)
    return render(request, "movement/collectives.html", {"page_obj": page})


def get_structure(user: Any, slug: str) -> Structure:
    visible = policy.visible(Structure, user).select_related("territory__parent__parent__parent")
    obj = visible.filter(slug=slug).first()
    if obj is None:
        raise Http404
    return obj


def structure_context(request: HttpRequest, structure: Structure) -> dict[str, Any]:
    user = request.user
    context: dict[str, Any] = {
        "structure": structure,
        "groups": Group.objects.visible_to(user).filter(owner=structure).order_by("name"),
        "member_count": structure.memberships.filter(status=Membership.Status.ACTIVE).count(),
        "membership": any_membership(user, structure),
        "can_view_members": policy.has_perm(user, "movement.view_members", structure),
        "can_manage": policy.has_perm(user, "movement.manage", structure),
        "can_edit": policy.has_perm(user, "movement.edit_structure", structure),
        "can_edit_description": policy.has_perm(user, "movement.edit_description", structure),
        "can_manage_partners": policy.has_perm(user, "movement.manage_partners", structure),
    }
    if structure.kind == Structure.Kind.COLLECTIVE:
        with_organisations = (
            Structure.objects.prefetch_related("partners")
            .prefetch_related(representative_organisations())
            .get(pk=structure.pk)
        )
        context["organisations"] = organisations_of(with_organisations)
    return context


def initial_contact(user: Any) -> dict[str, str]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"name": user.public_name, "email": user.email}


def structure(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_structure(request.user, slug)
    context = structure_context(request, obj)
    context["contact_form"] = ContactForm(initial=initial_contact(request.user))
    return render(request, "movement/structure.html", context)


def contact(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_structure(request.user, slug)
    if request.method != "POST":
        form = ContactForm(initial=initial_contact(request.user))
        return render(request, "movement/contact.html", {"structure": obj, "form": form})
    if not ratelimit.hit(
        request, "movement.contact", limit=CONTACT_LIMIT_PER_HOUR, period_seconds=3600
    ):
        return render(request, "movement/contact_limited.html", {"structure": obj}, status=429)
    form = ContactForm(request.POST)
    if form.is_spam():
        # Answer a robot exactly as a person, so it learns nothing; send nothing.
        messages.success(request, _("Your message has been sent."))
        return redirect(obj)
    if not form.is_valid():
        return render(
            request, "movement/contact.html", {"structure": obj, "form": form}, status=422
        )
    services.send_contact_message(actor=request.user, structure=obj, **form.message_fields())
    messages.success(request, _("Your message has been sent."))
    return redirect(obj)


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_structure(request.user, slug)
    policy.require(request.user, "movement.view_members", obj)
    active = (
        obj.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("user", "organisation")
        .order_by(Case(When(role=Membership.Role.LEADER, then=0), default=1), "user__display_name")
    )
    can_manage = policy.has_perm(request.user, "movement.manage", obj)
    pending = (
        obj.memberships.filter(status=Membership.Status.PENDING)
        .select_related("user", "organisation")
        .order_by("created_at")
        if can_manage
        else Membership.objects.none()
    )
    page = Paginator(active, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "movement/members.html",
        {
            "structure": obj,
            "page_obj": page,
            "pending": pending,
            "can_manage": can_manage,
            "relay_count": obj.memberships.filter(is_relay=True).count(),
            "max_relays": Membership.MAX_RELAYS,
            "roles": ROLE_CHOICES,
        },
    )


@login_required
def join(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_structure(request.user, slug)
    existing = any_membership(request.user, obj)
    if existing is not None:
        messages.info(request, services.already_there_message(existing))
        return redirect(obj)
    form = JoinForm(request.POST or None, structure=obj)
    if request.method != "POST":
        return render(request, "movement/join.html", {"structure": obj, "form": form})
    if not form.is_valid():
        return render(request, "movement/join.html", {"structure": obj, "form": form}, status=422)
    try:
        services.request_membership(
            actor=request.user,
            structure=obj,
            message=form.cleaned_data["message"],
            organisation=form.cleaned_data.get("organisation"),
        )
    except services.MovementError as error:
        messages.info(request, error.message)
        return redirect(obj)
    messages.success(
        request, _("Your request has been sent. The leaders will answer you by email.")
    )
    return redirect(obj)


@login_required
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_structure(request.user, slug)
    membership = any_membership(request.user, obj)
    if membership is None:
        messages.info(request, _("You are not a member of this structure."))
        return redirect(obj)
    if request.method != "POST":
        return render(request, "movement/leave.html", {"structure": obj, "membership": membership})
    try:
        services.leave_structure(actor=request.user, structure=obj)
    except services.MovementError as error:
        messages.error(request, error.message)
        return redirect(obj)
    if membership.is_active:
        messages.success(request, _("You have left %(name)s.") % {"name": obj.name})
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect(obj)


def members_url(structure: Structure) -> str:
    return reverse("movement:members", args=[structure.slug])


def run_member_action(
    request: HttpRequest, structure: Structure, action: Callable[[], object], success: str
) -> HttpResponse:
    """Run one leader's action, then go back to the member list with its outcome."""
    try:
        action()
    except services.MovementError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(members_url(structure))


@login_required
@require_POST
def approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    obj = get_structure(request.user, slug)
    return run_member_action(
        request,
        obj,
        lambda: services.approve_membership(actor=request.user, structure=obj, membership_id=pk),
        _("The request has been approved. The person has been told by email."),
    )


@login_required
@require_POST
def reject(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    obj = get_structure(request.user, slug)
    return run_member_action(
        request,
        obj,
        lambda: services.reject_membership(actor=request.user, structure=obj, membership_id=pk),
        _("The request has been declined."),
    )


@login_required
@require_POST
def name_relay(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    obj = get_structure(request.user, slug)
    return run_member_action(
        request,
        obj,
        lambda: services.name_relay(actor=request.user, structure=obj, membership_id=pk),
        _("The relay has been named."),
    )


@login_required
@require_POST
def remove_relay(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    obj = get_structure(request.user, slug)
    return run_member_action(
        request,
        obj,
        lambda: services.remove_relay(actor=request.user, structure=obj, membership_id=pk),
        _("This person is no longer a relay."),
    )


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    obj = get_structure(request.user, slug)
    policy.require(request.user, "movement.manage", obj)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose leader or member."))
        return redirect(members_url(obj))
    role = form.cleaned_data["role"]
    return run_member_action(
        request,
        obj,
        lambda: services.change_role(
            actor=request.user, structure=obj, membership_id=pk, role=role
        ),
        _("The role has been changed."),
    )


def active_membership_or_404(structure: Structure, pk: int) -> Membership:
    membership = (
        structure.memberships.filter(pk=pk, status=Membership.Status.ACTIVE)
        .select_related("user", "organisation")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@login_required
def remove_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    obj = get_structure(request.user, slug)
    policy.require(request.user, "movement.manage", obj)
    if request.method != "POST":
        membership = active_membership_or_404(obj, pk)
        context = {
            "structure": obj,
            "membership": membership,
            "is_last_leader": services.is_last_leader(membership),
            "is_self": membership.user_id == request.user.pk,
        }
        return render(request, "movement/remove_member.html", context)
    try:
        # Another leader may have acted since the confirmation page: the service says so.
        removed = services.remove_member(actor=request.user, structure=obj, membership_id=pk)
    except services.MovementError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is no longer a member. They have been told by email.")
            % {"name": removed.user.public_name},
        )
    return redirect(members_url(obj))


@login_required
def description_edit(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_structure(request.user, slug)
    policy.require(request.user, "movement.edit_description", obj)
    form = DescriptionForm(request.POST or None, instance=Structure.objects.get(pk=obj.pk))
    context = {"form": form, "structure": obj}
    if request.method != "POST":
        return render(request, "movement/description_form.html", context)
    if not form.is_valid():
        return render(request, "movement/description_form.html", context, status=422)
    services.update_description(
        actor=request.user, structure=obj, description=form.cleaned_data["description"]
    )
    messages.success(request, _("The description has been saved."))
    return redirect(obj)


@login_required
def structure_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "movement.create_structure", None)
    territories = territories_managed_by(request.user)
    form = StructureForm(request.POST or None, territories=territories)
    if request.method != "POST":
        return render(request, "movement/structure_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "movement/structure_form.html", {"form": form}, status=422)
    fields = {name: form.cleaned_data[name] for name in services.STRUCTURE_FIELDS}
    obj = services.create_structure(actor=request.user, **fields)
    messages.success(request, _("The structure has been created."))
    return redirect(obj)


@login_required
def structure_edit(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_structure(request.user, slug)
    policy.require(request.user, "movement.edit_structure", obj)
    territories = territories_managed_by(request.user)
    # The form works on a copy: the service compares the saved structure with the input.
    form = StructureForm(
        request.POST or None, instance=Structure.objects.get(pk=obj.pk), territories=territories
    )
    context = {"form": form, "structure": obj}
    if request.method != "POST":
        return render(request, "movement/structure_form.html", context)
    if not form.is_valid():
        return render(request, "movement/structure_form.html", context, status=422)
    fields = {name: form.cleaned_data[name] for name in services.STRUCTURE_FIELDS}
    try:
        obj = services.update_structure(actor=request.user, structure=obj, **fields)
    except services.MovementError as error:
        form.add_error("territory", error.message)
        return render(request, "movement/structure_form.html", context, status=422)
    messages.success(request, _("The structure has been saved."))
    return redirect(obj)


@login_required
def territory_list(request: HttpRequest) -> HttpResponse:
    if not policy.has_perm(request.user, "movement.create_territory", None):
        raise PermissionDenied
    territories = (
        territories_managed_by(request.user)
        .select_related("parent")
        .annotate(structure_count=Count("structures"))
        .order_by("level", "name")
    )
    page = Paginator(territories, PAGE_SIZE).get_page(request.GET.get("page"))
    for territory in page.object_list:
        territory.editable = policy.has_perm(request.user, "movement.edit_territory", territory)
    can_name_coordinators = policy.has_perm(request.user, "movement.manage_coordinators", None)
    return render(
        request,
        "movement/territories.html",
        {"page_obj": page, "can_name_coordinators": can_name_coordinators},
    )


def territory_form(request: HttpRequest, instance: Territory | None = None) -> TerritoryForm:
    return TerritoryForm(
        request.POST or None,
        instance=instance,
        parents=territories_managed_by(request.user),
        allow_national=policy.is_national_admin(request.user),
    )


TERRITORY_FIELDS = ["name", "slug", "level", "code", "parent"]


@login_required
def territory_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "movement.create_territory", None)
    form = territory_form(request)
    if request.method != "POST":
        return render(request, "movement/territory_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "movement/territory_form.html", {"form": form}, status=422)
    fields = {name: form.cleaned_data[name] for name in TERRITORY_FIELDS}
    services.create_territory(actor=request.user, **fields)
    messages.success(request, _("The territory has been created."))
    return redirect("movement:territories")


def get_territory(slug: str) -> Territory:
    territory = Territory.objects.filter(slug=slug).select_related("parent").first()
    if territory is None:
        raise Http404
    return territory


@login_required
def territory_edit(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory(slug)
    policy.require(request.user, "movement.edit_territory", territory)
    form = territory_form(request, Territory.objects.get(pk=territory.pk))
    context = {"form": form, "territory": territory}
    if request.method != "POST":
        return render(request, "movement/territory_form.html", context)
    if not form.is_valid():
        return render(request, "movement/territory_form.html", context, status=422)
    fields = {name: form.cleaned_data[name] for name in TERRITORY_FIELDS}
    try:
        services.update_territory(actor=request.user, territory=territory, **fields)
    except services.MovementError as error:
        form.add_error("parent", error.message)
        return render(request, "movement/territory_form.html", context, status=422)
    messages.success(request, _("The territory has been saved."))
    return redirect("movement:territories")


def render_coordinators(
    request: HttpRequest, territory: Territory, form: CoordinatorForm, status: int = 200
) -> HttpResponse:
    context = {
        "territory": territory,
        "coordinators": territory.coordinators.order_by("display_name", "pk"),
        "form": form,
    }
    return render(request, "movement/coordinators.html", context, status=status)


@login_required
def territory_coordinators(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory(slug)
    policy.require(request.user, "movement.manage_coordinators", territory)
    return render_coordinators(request, territory, CoordinatorForm())


def coordinators_url(territory: Territory) -> str:
    return reverse("movement:territory_coordinators", args=[territory.slug])


@login_required
@require_POST
def territory_coordinator_add(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory(slug)
    policy.require(request.user, "movement.manage_coordinators", territory)
    form = CoordinatorForm(request.POST)
    if not form.is_valid():
        return render_coordinators(request, territory, form, status=422)
    try:
        person = services.assign_coordinator(
            actor=request.user, territory=territory, email=form.cleaned_data["email"]
        )
    except services.MovementError as error:
        form.add_error("email", error.message)
        return render_coordinators(request, territory, form, status=422)
    messages.success(
        request,
        _("%(name)s now coordinates %(territory)s. They have been told by email.")
        % {"name": person.public_name, "territory": territory.name},
    )
    return redirect(coordinators_url(territory))


@login_required
def territory_coordinator_remove(request: HttpRequest, slug: str, user_pk: int) -> HttpResponse:
    territory = get_territory(slug)
    policy.require(request.user, "movement.manage_coordinators", territory)
    person = territory.coordinators.filter(pk=user_pk).first()
    if person is None:
        raise Http404
    if request.method != "POST":
        context = {"territory": territory, "person": person}
        return render(request, "movement/coordinator_remove.html", context)
    try:
        services.remove_coordinator(actor=request.user, territory=territory, user_id=person.pk)
    except services.MovementError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s no longer coordinates %(territory)s.")
            % {"name": person.public_name, "territory": territory.name},
        )
    return redirect(coordinators_url(territory))


def get_collective(user: Any, slug: str) -> Structure:
    """Partner organisations only make sense for collectives: other structures have no
    partner pages at all."""
    obj = get_structure(user, slug)
    if obj.kind != Structure.Kind.COLLECTIVE:
        raise Http404
    return obj


def partners_url(collective: Structure) -> str:
    return reverse("movement:partners", args=[collective.slug])


def render_partners(
    request: HttpRequest, collective: Structure, form: PartnerChoiceForm, status: int = 200
) -> HttpResponse:
    partners = collective.partners.annotate(
        representative_count=Count(
            "representatives",
            filter=Q(representatives__structure=collective),
        )
    ).order_by("name")
    context = {"structure": collective, "partners": partners, "form": form}
    return render(request, "movement/partners.html", context, status=status)


@login_required
def partners(request: HttpRequest, slug: str) -> HttpResponse:
    collective = get_collective(request.user, slug)
    policy.require(request.user, "movement.manage_partners", collective)
    return render_partners(request, collective, PartnerChoiceForm(collective=collective))


@login_required
@require_POST
def partner_add(request: HttpRequest, slug: str) -> HttpResponse:
    collective = get_collective(request.user, slug)
    policy.require(request.user, "movement.manage_partners", collective)
    form = PartnerChoiceForm(request.POST, collective=collective)
    if not form.is_valid():
        return render_partners(request, collective, form, status=422)
    organisation = services.add_partner(
        actor=request.user, collective=collective, organisation=form.cleaned_data["organisation"]
    )
    messages.success(
        request,
        _("%(name)s is now a partner of the collective.") % {"name": organisation.name},
    )
    return redirect(partners_url(collective))


@login_required
def partner_create(request: HttpRequest, slug: str) -> HttpResponse:
    collective = get_collective(request.user, slug)
    policy.require(request.user, "movement.manage_partners", collective)
    form = PartnerOrganisationForm(request.POST or None)
    context = {"structure": collective, "form": form}
    if request.method != "POST":
        return render(request, "movement/partner_form.html", context)
    if not form.is_valid():
        return render(request, "movement/partner_form.html", context, status=422)
    fields = {name: form.cleaned_data[name] for name in ("name", "website", "description")}
    try:
        organisation = services.create_partner_organisation(
            actor=request.user, collective=collective, **fields
        )
    except services.MovementError as error:
        form.add_error("name", error.message)
        return render(request, "movement/partner_form.html", context, status=422)
    messages.success(
        request,
        _("%(name)s has been created and added to the collective.") % {"name": organisation.name},
    )
    return redirect(partners_url(collective))


@login_required
def partner_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    collective = get_collective(request.user, slug)
    policy.require(request.user, "movement.manage_partners", collective)
    organisation = collective.partners.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if request.method != "POST":
        context = {
            "structure": collective,
            "organisation": organisation,
            "representative_count": services.representatives_of(collective, organisation).count(),
        }
        return render(request, "movement/partner_remove.html", context)
    try:
        services.remove_partner(actor=request.user, collective=collective, organisation_id=pk)
    except services.MovementError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is no longer a partner of the collective.") % {"name": organisation.name},
        )
    return redirect(partners_url(collective))
