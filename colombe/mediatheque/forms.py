"""The archive's forms: filing or editing an item, its subtitles and the people in it,
and the timeline's filters (a GET form that works without JavaScript)."""

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from colombe.core import policy
from colombe.core.hashtags import normalise_hashtag
from colombe.core.models import fold_hashtag
from colombe.groups.models import Group
from colombe.mediatheque import media_files, staging
from colombe.mediatheque.media_files import CheckedMedia
from colombe.mediatheque.models import MediaItem, Outlet, Theme
from colombe.mediatheque.services import UPLOADS_PER_DAY, ItemChanges, count_upload
from colombe.movement.models import Membership, Structure, Territory
from colombe.movement.policy import subtree_filter

# Years offered by the timeline's filter: television archives go back a long way.
FIRST_YEAR = 1950
LAST_YEAR = 2200
# The source first (a file or a link), then what it is about, then who may see it.
FIELD_ORDER = [
    "file",
    "external_url",
    "title",
    "published_on",
    "outlet",
    "new_outlet_name",
    "new_outlet_kind",
    "structures",
    "territory",
    "themes",
    "hashtags",
    "description",
    "rights",
    "visibility",
    "group",
    "structure",
]
TOO_MANY_UPLOADS = "too_many_uploads"
LANGUAGE_CODE_RE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


def outlets_known_to(items: QuerySet[MediaItem]) -> QuerySet[Outlet]:
    """Outlets of the items the user may see: an outlet named only in a secret group's
    item is not listed to others."""
    return Outlet.objects.filter(pk__in=items.values("outlet_id")).order_by("name")


def territory_tree() -> list[Territory]:
    """The country, then each region followed by its departments, alphabetically (one
    query)."""
    nodes = list(
        Territory.objects.filter(
            level__in=[
                Territory.Level.NATIONAL,
                Territory.Level.REGION,
                Territory.Level.DEPARTMENT,
            ]
        ).order_by("level", "name")
    )
    ordered = [node for node in nodes if node.level == Territory.Level.NATIONAL]
    for region in (node for node in nodes if node.level == Territory.Level.REGION):
        ordered.append(region)
        ordered.extend(node for node in nodes if node.parent_id == region.pk)
    placed = {node.pk for node in ordered}
    return ordered + [node for node in nodes if node.pk not in placed]


def territory_label(territory: Territory) -> str:
    # Departments are indented under their region in the list.
    if territory.level == Territory.Level.DEPARTMENT:
        return f"— {territory.name}"
    return territory.name


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return territory_label(obj)


class ItemForm(forms.ModelForm):
    """Filing an item (a file OR a link) or editing its description."""

    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A video, a sound, a PDF or a photo of the article. Its content is checked; "
            "video and sound are converted to play in every browser."
        ),
    )
    external_url = forms.URLField(
        label=_("…or a link to the video or the article"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_(
            "YouTube, PeerTube, Dailymotion or the outlet's page. Videos play only "
            "when the visitor asks for them."
        ),
    )
    new_outlet_name = forms.CharField(
        label=_("…or a new outlet"),
        required=False,
        max_length=120,
        help_text=_("If it is not in the list, e.g. “France 3 Rhône-Alpes”."),
    )
    new_outlet_kind = forms.ChoiceField(
        label=_("Kind of the new outlet"),
        required=False,
        choices=[("", _("Choose…")), *Outlet.Kind.choices],
    )
    hashtags = forms.CharField(
        label=_("Hashtags"),
        required=False,
        max_length=500,
        help_text=_("For example: #disarmament #youth"),
    )
    # A signed token naming a file that passed its checks in an earlier try (staging.py).
    kept_upload = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = MediaItem
        fields = [
            "external_url",
            "title",
            "published_on",
            "outlet",
            "structures",
            "territory",
            "themes",
            "description",
            "rights",
            "visibility",
            "group",
            "structure",
        ]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "themes": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"description": _("Markdown: **bold**, lists, links.")}

    def __init__(
        self, *args: Any, user: Any, visible_items: QuerySet[MediaItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        item = self.instance
        cast(forms.ChoiceField, self.fields["visibility"]).choices = list(
            MediaItem.Visibility.choices
        )
        self.limit_outlets(visible_items)
        self.limit_groups(user)
        self.limit_committees(user)
        self.fields["structures"] = forms.ModelMultipleChoiceField(
            label=_("Committees concerned"),
            queryset=Structure.objects.order_by("name"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 6}),
            help_text=_("Hold Ctrl (or Cmd) to choose several."),
        )
        themes = cast(forms.ModelMultipleChoiceField, self.fields["themes"])
        themes.queryset = Theme.objects.order_by("name")
        self.set_territory_choices()
        self.kept_path = ""
        if item.pk:
            del self.fields["file"]
            del self.fields["kept_upload"]
            if item.kind != MediaItem.Kind.LINK:
                del self.fields["external_url"]
            else:
                self.fields["external_url"].required = True
            names = item.hashtags.values_list("name", flat=True)
            self.initial.setdefault("hashtags", " ".join(f"#{name}" for name in names))
        else:
            self.initial.setdefault("published_on", timezone.localdate())
        self.order_fields(FIELD_ORDER)

    def limit_outlets(self, visible_items: QuerySet[MediaItem]) -> None:
        outlets = outlets_known_to(visible_items)
        if self.instance.outlet_id:
            outlets = Outlet.objects.filter(
                Q(pk__in=outlets.values("pk")) | Q(pk=self.instance.outlet_id)
            ).order_by("name")
        field = cast(forms.ModelChoiceField, self.fields["outlet"])
        field.queryset = outlets
        field.empty_label = _("Not in the list")
        field.required = False

    def limit_groups(self, user: Any) -> None:
        """Only the groups the person belongs to (and the item's own)."""
        condition = Q(memberships__user=user)
        if self.instance.group_id:
            condition |= Q(pk=self.instance.group_id)
        field = cast(forms.ModelChoiceField, self.fields["group"])
        field.queryset = Group.objects.filter(condition).distinct().order_by("name")
        field.label = _("Group (when only its members may see it)")
        field.empty_label = pgettext_lazy("group", "None")

    def limit_committees(self, user: Any) -> None:
        """Only the committees the person is active in (national administrators: all),
        and the item's own."""
        if policy.is_national_admin(user):
            condition = Q()
        else:
            active = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
            condition = Q(pk__in=active.values("structure_id"))
        if self.instance.structure_id:
            condition |= Q(pk=self.instance.structure_id)
        field = cast(forms.ModelChoiceField, self.fields["structure"])
        field.queryset = Structure.objects.filter(condition).order_by("name")
        field.label = _("Committee (when only its members may see it)")
        field.empty_label = pgettext_lazy("committee", "None")

    def set_territory_choices(self) -> None:
        field = TerritoryChoiceField(
            label=_("Territory concerned"),
            queryset=Territory.objects.all(),
            required=False,
            empty_label=_("None in particular"),
        )
        field.choices = [("", field.empty_label or "")] + [
            (node.pk, territory_label(node)) for node in territory_tree()
        ]
        self.fields["territory"] = field

    def clean_file(self) -> CheckedMedia | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return self.upload_kept_earlier()
        # Counted before the file is probed: refused files cost work too.
        if not count_upload(self.user):
            raise ValidationError(
                _(
                    "You have uploaded many files today (at most %(limit)s a day). Please "
                    "try again tomorrow, or give a link instead."
                )
                % {"limit": UPLOADS_PER_DAY},
                code=TOO_MANY_UPLOADS,
            )
        return media_files.check_media_upload(upload)

    def upload_kept_earlier(self) -> CheckedMedia | None:
        token = self.data.get(self.add_prefix("kept_upload"), "")
        if not token:
            return None
        kept = staging.unstage(self.user, token)
        if kept is None:
            raise ValidationError(
                _("The file you chose earlier is no longer kept. Please choose it again."),
                code="kept_upload_lost",
            )
        upload, self.kept_path = kept
        self.show_kept(upload)
        return upload

    def keep_checked_upload(self) -> None:
        """After a refusal, keep a file that passed its checks so that the corrected form
        need not send it again."""
        upload = (self.cleaned_data or {}).get("file")
        if not isinstance(upload, CheckedMedia) or self.kept_path:
            return
        data = QueryDict(mutable=True)
        data.update(self.data)  # every value of multiple choices, too
        data[self.add_prefix("kept_upload")] = staging.stage(self.user, upload)
        self.data = data
        self.show_kept(upload)

    def show_kept(self, upload: CheckedMedia) -> None:
        # The bound field copied the help text when the form was cleaned: set it there.
        self["file"].help_text = _(
            "Kept from your previous try: %(name)s. Choose another file only to replace it."
        ) % {"name": upload.original_name}

    def forget_kept_upload(self) -> None:
        """The kept file has been filed (copied into the item): delete the copy."""
        if self.kept_path:
            self.cleaned_data["file"].file.close()
            staging.discard(self.kept_path)

    def clean_published_on(self) -> date:
        published_on: date = self.cleaned_data["published_on"]
        if published_on > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return published_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_source(cleaned)
        self.check_outlet(cleaned)
        visibility, group = cleaned.get("visibility"), cleaned.get("group")
        if visibility == MediaItem.Visibility.GROUP and group is None:
            self.add_error("group", _("Choose the group whose members may see it."))
        if visibility != MediaItem.Visibility.GROUP:
            cleaned["group"] = None
        structure = cleaned.get("structure")
        if visibility == MediaItem.Visibility.COMMITTEE and structure is None:
            self.add_error("structure", _("Choose the committee whose members may see it."))
        if visibility != MediaItem.Visibility.COMMITTEE:
            cleaned["structure"] = None
        return cleaned

    def check_source(self, cleaned: dict[str, Any]) -> None:
        """A new item is a file or a link, not both and not neither."""
        if self.instance.pk:
            return
        has_file = bool(cleaned.get("file")) or bool(self.errors.get("file"))
        has_link = bool(cleaned.get("external_url")) or bool(self.errors.get("external_url"))
        if has_file and has_link:
            self.add_error(None, _("Give a file or a link, not both."))
        elif not has_file and not has_link:
            self.add_error("file", _("Give a file, or a link to the video or the article."))

    def check_outlet(self, cleaned: dict[str, Any]) -> None:
        new_name = (cleaned.get("new_outlet_name") or "").strip()
        if new_name and cleaned.get("outlet") is not None:
            self.add_error("new_outlet_name", _("Choose an outlet in the list or type a new one."))
        if new_name and not cleaned.get("new_outlet_kind"):
            self.add_error("new_outlet_kind", _("Say what kind of outlet it is."))

    def changes(self) -> ItemChanges:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("title", "published_on", "territory", "description", "rights")
        }
        fields["visibility"] = data["visibility"]
        fields["group"] = data.get("group")
        fields["structure"] = data.get("structure")
        if "external_url" in self.fields:
            fields["external_url"] = data.get("external_url") or ""
        return ItemChanges(
            fields=fields,
            hashtags_text=data.get("hashtags") or "",
            outlet=data.get("outlet"),
            new_outlet_name=data.get("new_outlet_name") or "",
            new_outlet_kind=data.get("new_outlet_kind") or "",
            themes=list(data.get("themes") or []),
            structures=list(data.get("structures") or []),
        )

    @property
    def checked_upload(self) -> CheckedMedia | None:
        return self.cleaned_data.get("file")


class SubtitleForm(forms.Form):
    language = forms.RegexField(
        label=_("Language code"),
        regex=LANGUAGE_CODE_RE,
        max_length=12,
        initial="fr",
        help_text=_("fr for French, en for English, ar for Arabic…"),
        error_messages={"invalid": _("A language code such as fr, en or pt-BR.")},
    )
    label = forms.CharField(label=_("Name shown in the player"), max_length=60, initial=_("French"))
    file = forms.FileField(
        label=_("Subtitle file"),
        help_text=_("WebVTT (.vtt) or SubRip (.srt), at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,.srt,text/vtt"}),
    )

    def clean_file(self) -> ContentFile:
        return media_files.check_subtitle_upload(self.cleaned_data["file"])


class AppearanceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    consent_given_on = forms.DateField(
        label=_("Date they agreed to be named"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Name only people who agreed to it; the date is kept as a record."),
    )

    def clean_consent_given_on(self) -> date:
        given_on: date = self.cleaned_data["consent_given_on"]
        if given_on > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return given_on


def concerning_territory(slug: str) -> Q:
    """Items about the territory or a place in it, or about a committee there."""
    root = Territory.objects.filter(slug=slug).values("pk")
    by_committee = MediaItem.objects.filter(
        subtree_filter(root, prefix="structures__territory__")
    ).values("pk")
    return subtree_filter(root, prefix="territory__") | Q(pk__in=by_committee)


class TimelineFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    outlet = forms.ChoiceField(label=_("Outlet"), required=False)
    territory = forms.ChoiceField(label=_("Region or department"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    hashtag = forms.CharField(label=_("Hashtag"), max_length=61, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *MediaItem.Kind.choices],
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    def __init__(self, *args: Any, outlets: QuerySet[Outlet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outlet"]).choices = [
            ("", _("All outlets")),
            *((outlet.slug, outlet.name) for outlet in outlets),
        ]
        cast(forms.ChoiceField, self.fields["territory"]).choices = [
            ("", _("Everywhere")),
            *(
                (node.slug, territory_label(node))
                for node in territory_tree()
                if node.level != Territory.Level.NATIONAL
            ),
        ]
        cast(forms.ChoiceField, self.fields["theme"]).choices = [
            ("", _("All themes")),
            *Theme.objects.order_by("name").values_list("slug", "name"),
        ]

    def clean_hashtag(self) -> str:
        return normalise_hashtag(self.cleaned_data.get("hashtag") or "")

    def clean_q(self) -> str:
        return " ".join((self.cleaned_data.get("q") or "").split())

    def apply(
        self, items: QuerySet[MediaItem], *, with_year: bool = True
    ) -> tuple[QuerySet[MediaItem], dict[str, str]]:
        """The items that pass the valid filters, and the chosen values for the links of
        the pages and years."""
        chosen: dict[str, str] = {}
        if not self.is_valid():
            return items, chosen
        data = self.cleaned_data
        if data["q"]:
            words = Q(title__icontains=data["q"]) | Q(description__icontains=data["q"])
            items = items.filter(words)
            chosen["q"] = data["q"]
        if data["outlet"]:
            items = items.filter(outlet__slug=data["outlet"])
            chosen["outlet"] = data["outlet"]
        if data["territory"]:
            items = items.filter(concerning_territory(data["territory"]))
            chosen["territory"] = data["territory"]
        if data["theme"]:
            items = items.filter(themes__slug=data["theme"])
            chosen["theme"] = data["theme"]
        if data["hashtag"]:
            items = items.filter(hashtags__key=fold_hashtag(data["hashtag"]))
            chosen["hashtag"] = data["hashtag"]
        if data["kind"]:
            items = items.filter(kind=data["kind"])
            chosen["kind"] = data["kind"]
        if with_year and data["year"]:
            items = items.filter(published_on__year=data["year"])
            chosen["year"] = str(data["year"])
        return items, chosen
