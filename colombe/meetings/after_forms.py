"""Forms of the minutes editor: the Markdown body, and the decisions and action items as
formsets that work without JavaScript (a button adds an empty row, a checkbox removes
one)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colombe.accounts.models import User
from colombe.meetings.models import ActionItem, Decision, Minutes

MAX_DECISIONS = 50
MAX_ACTION_ITEMS = 100


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Minutes
        fields = ["body", "keep_chat"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "body": _(
                "Markdown: **bold**, *italics*, lists with a dash, ## headings. "
                "Decisions and actions have their own lists below."
            ),
            "keep_chat": _("The chat messages of the meeting are shown with the minutes."),
        }


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text"]
        labels = {"text": _("Decision")}


class AssigneeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.public_name


class ActionItemForm(forms.ModelForm):
    done = forms.BooleanField(label=_("Done"), required=False)

    class Meta:
        model = ActionItem
        fields = ["text", "assignee", "due_on"]
        labels = {"text": _("Action"), "assignee": _("Assigned to"), "due_on": _("Due on")}
        field_classes = {"assignee": AssigneeField}
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, AssigneeField)
        assignee.queryset = assignees
        assignee.empty_label = _("Nobody yet")
        self.fields["done"].initial = self.instance.done_at is not None

    def save(self, commit: bool = True) -> ActionItem:
        item = super().save(commit=False)
        if not self.cleaned_data.get("done"):
            item.done_at = None
        elif item.done_at is None:
            item.done_at = timezone.now()
        if "assignee" in self.changed_data:
            # A new assignee has not been told yet.
            item.notified_at = None
        if commit:
            item.save()
        return item


class ActionItemFormSetBase(BaseInlineFormSet):
    def __init__(self, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        self.assignees = assignees
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "assignees": self.assignees}


DecisionFormSet = inlineformset_factory(
    Minutes,
    Decision,
    form=DecisionForm,
    extra=1,
    can_delete=True,
    max_num=MAX_DECISIONS,
    validate_max=True,
)
ActionItemFormSet = inlineformset_factory(
    Minutes,
    ActionItem,
    form=ActionItemForm,
    formset=ActionItemFormSetBase,
    extra=1,
    can_delete=True,
    max_num=MAX_ACTION_ITEMS,
    validate_max=True,
)
