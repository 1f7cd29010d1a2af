"""Forms of the training pages: a session, registration, attendance, feedback, a guide,
skills, a mentoring request and the list filters."""

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colombe.accounts.models import User
from colombe.core import policy
from colombe.mediatheque.models import MediaItem
from colombe.meetings.models import Meeting
from colombe.movement.models import Membership, Territory
from colombe.movement.policy import active_structures
from colombe.training.models import (
    Feedback,
    Level,
    MentoringRequest,
    Registration,
    Resource,
    Skill,
    Topic,
    TrainingSession,
)
from colombe.training.policy import meetings_open_to_the_movement
from colombe.training.services import SkillChoice

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
SCORES = [(n, str(n)) for n in range(1, 6)]
# An online session may link a meeting that began a little earlier today.
MEETING_LOOKBACK = timedelta(days=1)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_LOCAL, **kwargs)


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.public_name


def possible_trainers(user: Any) -> QuerySet[User]:
    """People of the organiser's own structures, and members listed as trainers."""
    own_structures = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "structure_id"
    )
    listed = Skill.objects.filter(listed_as_trainer=True, can_teach=True).values("user_id")
    colleagues = Q(
        memberships__structure_id__in=own_structures,
        memberships__status=Membership.Status.ACTIVE,
    )
    return (
        User.objects.filter(colleagues | Q(pk__in=listed) | Q(pk=user.pk), is_active=True)
        .distinct()
        .order_by("display_name", "pk")
    )


def set_choices(form: forms.BaseForm, name: str, queryset: QuerySet) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class SessionForm(forms.ModelForm):
    trainer = PersonField(label=_("Trainer (member)"), queryset=User.objects.none(), required=False)

    class Meta:
        model = TrainingSession
        fields = [
            "title",
            "topic",
            "level",
            "structure",
            "description",
            "trainer_kind",
            "trainer",
            "guest_trainer",
            "format",
            "meeting",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "materials",
        ]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "materials": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        since = timezone.now() - MEETING_LOOKBACK
        meetings = policy.visible(Meeting, user).filter(
            meetings_open_to_the_movement(), starts_at__gte=since, status=Meeting.Status.SCHEDULED
        )
        set_choices(self, "structure", active_structures(user))
        set_choices(self, "trainer", possible_trainers(user))
        set_choices(self, "meeting", meetings)
        self.fields["meeting"].help_text = _(
            "For an online session: a Colombe meeting already scheduled, open to all members"
            " of the movement."
        )
        self.fields["place"].help_text = _("For a session in person: the address.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        kind = data.get("trainer_kind")
        if kind == TrainingSession.TrainerKind.GUEST and not data.get("guest_trainer"):
            self.add_error("guest_trainer", _("Give the name of the outside expert."))
        if kind != TrainingSession.TrainerKind.GUEST and not data.get("trainer"):
            self.add_error("trainer", _("Choose the member who leads the session."))
        if data.get("format") == TrainingSession.Format.IN_PERSON and not data.get("place"):
            self.add_error("place", _("Give the address of a session in person."))
        return data


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = ["needs"]
        help_texts = {"needs": _("For example: I come with my own tablet, I hear badly.")}


class AttendeeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.user.public_name


class AttendanceForm(forms.Form):
    present = AttendeeField(
        label=_("Who came"),
        queryset=Registration.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, session: TrainingSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        registrations = session.registrations.select_related("user").order_by("user__display_name")
        set_choices(self, "present", registrations)
        if not self.is_bound:
            self.initial["present"] = [r.pk for r in registrations if r.attended]


class FeedbackForm(forms.ModelForm):
    usefulness = forms.TypedChoiceField(
        label=_("How useful was it? (1 = not at all, 5 = very)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    clarity = forms.TypedChoiceField(
        label=_("How clear was it? (1 = not at all, 5 = very)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Feedback
        fields = ["usefulness", "clarity", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 4})}


class ResourceForm(forms.ModelForm):
    hashtags = forms.CharField(
        label=_("Hashtags"),
        required=False,
        help_text=_("For example: #visio #pétition"),
    )

    class Meta:
        model = Resource
        fields = ["title", "summary", "body", "level", "topic", "video", "is_published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        videos = policy.visible(MediaItem, user).filter(kind=MediaItem.Kind.VIDEO)
        set_choices(self, "video", videos.order_by("title"))
        if self.instance.pk and not self.is_bound:
            self.initial["hashtags"] = " ".join(
                f"#{tag.name}" for tag in self.instance.hashtags.all()
            )


class SkillsForm(forms.Form):
    """Three boxes per topic: I can help, I want to learn, show me in the directory."""

    COLUMNS = (
        ("teach", _("I can help others")),
        ("learn", _("I want to learn")),
        ("listed", _("Show me in the trainers' directory")),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics = list(Topic.objects.all())
        skills = {skill.topic_id: skill for skill in Skill.objects.filter(user=user)}
        for topic in self.topics:
            skill = skills.get(topic.pk)
            current = {
                "teach": bool(skill and skill.can_teach),
                "learn": bool(skill and skill.wants_to_learn),
                "listed": bool(skill and skill.listed_as_trainer),
            }
            for column, label in self.COLUMNS:
                self.fields[f"{column}_{topic.pk}"] = forms.BooleanField(
                    label=_("%(topic)s: %(choice)s") % {"topic": topic.name, "choice": label},
                    required=False,
                    initial=current[column],
                )

    def rows(self) -> list[tuple[Topic, list[forms.BoundField]]]:
        return [
            (topic, [self[f"{column}_{topic.pk}"] for column, _label in self.COLUMNS])
            for topic in self.topics
        ]

    def choices(self) -> list[SkillChoice]:
        data = self.cleaned_data
        return [
            SkillChoice(
                topic=topic,
                can_teach=data[f"teach_{topic.pk}"],
                wants_to_learn=data[f"learn_{topic.pk}"],
                listed_as_trainer=data[f"listed_{topic.pk}"],
            )
            for topic in self.topics
        ]


class TerritoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_level_display()})"


def home_territory(user: Any) -> Territory | None:
    """Where the member is, as far as Colombe knows: their first committee's town."""
    membership = (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("structure__territory")
        .order_by("-structure__territory__level", "pk")
        .first()
    )
    return membership.structure.territory if membership is not None else None


class MentoringRequestForm(forms.ModelForm):
    territory = TerritoryField(
        label=_("Where you are"),
        queryset=Territory.objects.exclude(level=Territory.Level.NATIONAL).order_by("name"),
        required=False,
        help_text=_("So that someone close by can help, in person if you wish."),
    )

    class Meta:
        model = MentoringRequest
        fields = ["topic", "details", "territory", "availability", "in_person"]
        widgets = {"details": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"details": _("In a few words: what would you like to be able to do?")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("territory", home_territory(user))


class SessionFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("All")
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All")), *Level.choices], required=False
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("All")), *TrainingSession.Format.choices],
        required=False,
    )


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All")), *Level.choices], required=False
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("All")
    )
    tag = forms.CharField(label=_("Hashtag"), required=False, max_length=60)


class TrainerFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("All")
    )
    region = TerritoryField(
        label=_("Region"),
        queryset=Territory.objects.filter(level=Territory.Level.REGION).order_by("name"),
        required=False,
        empty_label=_("All"),
    )
