"""The training home page, my skills, the trainers' directory and the demand for help."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from colombe.accounts.models import User
from colombe.core import policy
from colombe.movement.models import Membership
from colombe.movement.policy import subtree_filter
from colombe.training import forms, services
from colombe.training.demand import Demand, mentoring_demand
from colombe.training.mentoring_services import territories_of
from colombe.training.models import Level, Resource, Skill
from colombe.training.pages import render_page
from colombe.training.policy import is_member
from colombe.training.session_views import upcoming_sessions

HOME_SESSIONS = 5
HOME_GUIDES_PER_LEVEL = 6
TRAINERS_PER_PAGE = 50


def guides_by_level(user: object) -> list[tuple[str, list[Resource]]]:
    guides = list(policy.visible(Resource, user).filter(is_published=True).select_related("topic"))
    return [
        (str(label), [g for g in guides if g.level == level][:HOME_GUIDES_PER_LEVEL])
        for level, label in Level.choices
    ]


def home(request: HttpRequest) -> HttpResponse:
    member = is_member(request.user)
    context = {
        "is_member": member,
        "sessions": upcoming_sessions()[:HOME_SESSIONS] if member else [],
        "levels": guides_by_level(request.user),
    }
    return render_page(request, "training/home.html", context)


@login_required
def skills(request: HttpRequest) -> HttpResponse:
    if not is_member(request.user):
        raise PermissionDenied
    form = forms.SkillsForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_skills(request.user, form.choices())
        messages.success(request, _("Your skills are saved."))
        return redirect("training:skills")
    return render_page(request, "training/skills.html", {"form": form})


@dataclass(frozen=True)
class TrainerEntry:
    name: str
    topics: list[str]
    places: list[str]


def listed_skills(filters: forms.TrainerFilterForm) -> QuerySet[Skill]:
    listed = Skill.objects.filter(listed_as_trainer=True, can_teach=True)
    if filters.is_valid() and filters.cleaned_data["topic"]:
        listed = listed.filter(topic=filters.cleaned_data["topic"])
    return listed


def listed_trainers(filters: forms.TrainerFilterForm) -> QuerySet[User]:
    """Active members listed for a topic, in the chosen region (the territory of one of
    the structures they are active in lies in it), filtered in SQL so that pagination
    counts people, not skills."""
    memberships = Membership.objects.filter(status=Membership.Status.ACTIVE)
    region = filters.cleaned_data["region"] if filters.is_valid() else None
    if region is not None:
        memberships = memberships.filter(subtree_filter([region.pk], "structure__territory__"))
    return (
        User.objects.filter(
            is_active=True,
            pk__in=listed_skills(filters).values("user_id"),
        )
        .filter(pk__in=memberships.values("user_id"))
        .order_by("display_name", "pk")
    )


def trainer_entries(filters: forms.TrainerFilterForm, people: list[User]) -> list[TrainerEntry]:
    """One page of the directory: two queries whatever its length."""
    skills: dict[int, list[str]] = {person.pk: [] for person in people}
    for skill in (
        listed_skills(filters)
        .filter(user__in=people)
        .select_related("topic")
        .order_by("topic__position", "topic__name")
    ):
        skills[skill.user_id].append(skill.topic.name)
    places = territories_of(people)
    return [
        TrainerEntry(
            name=person.public_name,
            topics=skills[person.pk],
            places=sorted({t.name for t in places[person.pk]}),
        )
        for person in people
    ]


@login_required
def trainers(request: HttpRequest) -> HttpResponse:
    if not is_member(request.user):
        raise PermissionDenied
    filters = forms.TrainerFilterForm(request.GET or None)
    page = Paginator(listed_trainers(filters), TRAINERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page_obj": page,
        "entries": trainer_entries(filters, list(page)),
        "query_string": query.urlencode(),
    }
    return render_page(request, "training/trainers.html", context)


# The chart: topic names on the left, one stacked bar per topic on the right (SVG units).
LABEL_WIDTH, BAR_WIDTH, ROW_HEIGHT, BAR_HEIGHT = 220, 380, 34, 22


@dataclass(frozen=True)
class Segment:
    css_class: str
    x: float
    width: float
    count: int


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    text_y: int
    segments: list[Segment]


def chart_bars(demand: Demand) -> list[Bar]:
    """Stacked bars (waiting, in progress, done), scaled to the busiest topic."""
    scale = BAR_WIDTH / (demand.largest or 1)
    bars = []
    for index, row in enumerate(demand.by_topic):
        x = float(LABEL_WIDTH)
        segments = []
        for css_class, count in (("open", row.open), ("paired", row.paired), ("done", row.done)):
            if count:
                segments.append(Segment(css_class, x, count * scale, count))
                x += count * scale
        y = index * ROW_HEIGHT
        bars.append(Bar(row.label, y, y + BAR_HEIGHT - 6, segments))
    return bars


@login_required
def demand(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "training.see_demand")
    found = mentoring_demand()
    context = {
        "demand": found,
        "bars": chart_bars(found),
        "chart_width": LABEL_WIDTH + BAR_WIDTH,
        "chart_height": max(len(found.by_topic), 1) * ROW_HEIGHT,
        "bar_height": BAR_HEIGHT,
    }
    return render_page(request, "training/demand.html", context)
