"""Following hashtags, people with the same interests, writing to them, and leaving the
weekly digest."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from colombe.accounts.models import User
from colombe.core import digest, interest_policy, interests
from colombe.core.models import Hashtag

PEOPLE_PER_PAGE = 20


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def hashtag_or_404(request: HttpRequest, name: str) -> Hashtag:
    """The tag, if its page exists for this person (a 404 otherwise, as on the page)."""
    return interests.hashtag_page_or_404(request.user, name).tag


def refuse_before_following(request: HttpRequest) -> HttpResponse | None:
    """Checked after the tag is known to exist for the visitor (a 404 comes first, so
    that nobody learns more from these answers than from the hashtag page)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def follow(request: HttpRequest, name: str) -> HttpResponse:
    tag = hashtag_or_404(request, name)
    refusal = refuse_before_following(request)
    if refusal is not None:
        return refusal
    try:
        interests.follow_hashtag(user=signed_in_user(request), tag=tag)
    except interests.TooManyInterests as too_many:
        messages.error(request, too_many.message)
        return redirect(tag)
    messages.success(request, _("You now follow #%(tag)s.") % {"tag": tag.name})
    return redirect(tag)


def unfollow(request: HttpRequest, name: str) -> HttpResponse:
    tag = hashtag_or_404(request, name)
    refusal = refuse_before_following(request)
    if refusal is not None:
        return refusal
    interests.unfollow_hashtag(user=signed_in_user(request), tag=tag)
    messages.success(request, _("You no longer follow #%(tag)s.") % {"tag": tag.name})
    return redirect(tag)


@login_required
def same_interests(request: HttpRequest) -> HttpResponse:
    """People sharing my hashtags, nearest first: for members of the movement who show
    their own interests; a member who does not is told how to, and shown nobody."""
    user = signed_in_user(request)
    if not interest_policy.is_member(user):
        raise PermissionDenied
    if not interest_policy.shares_interests(user):
        return render(request, "core/interests/opt_in_needed.html")
    page = Paginator(interests.people_with_same_interests(user), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    people = list(page.object_list)
    mine = set(user.interests.values_list("pk", flat=True))
    shared = {
        person.pk: [tag for tag in person.interests.all() if tag.pk in mine] for person in people
    }
    context: dict[str, Any] = {
        "page_obj": page,
        "people": [(person, shared[person.pk]) for person in people],
        "profile_ids": interests.visible_profile_ids(user, people),
        "my_interests": user.interests.order_by("name"),
    }
    return render(request, "core/interests/people.html", context)


class ContactForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    share_address = forms.BooleanField(
        label=gettext_lazy("Share my email address so that they can answer me directly"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise they answer through Colombe and neither of you sees the other's address."
        ),
    )


@login_required
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    if not interest_policy.is_member(user):
        raise PermissionDenied
    person = interests.contactable_person_or_404(user, pk)
    if not interest_policy.shares_interests(user):
        # Writing needs the sender's yes too; the form would only be refused.
        status = 403 if request.method == "POST" else 200
        return render(request, "core/interests/opt_in_needed.html", status=status)
    form = ContactForm(data=request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"person": person, "form": form}
    if request.method != "POST":
        return render(request, "core/interests/contact.html", context)
    if not form.is_valid():
        return render(request, "core/interests/contact.html", context, status=422)
    try:
        interests.send_contact_message(
            sender=user,
            recipient=person,
            message=form.cleaned_data["message"],
            share_address=form.cleaned_data["share_address"],
        )
    except interests.ContactLimitReached:
        return render(request, "429.html", status=429)
    messages.success(
        request, _("Your message to %(name)s is on its way.") % {"name": person.public_name}
    )
    return redirect("core:interests")


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here, without a session or a
# CSRF token, and expect an answer without a redirect. The signed token is the
# authorisation; all it can do is turn one person's digest off.
@csrf_exempt
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    person = digest.user_for_token(token)
    if person is None:
        raise Http404
    if request.method == "POST":
        digest.stop_digest(person)
        return render(request, "core/interests/digest_unsubscribed.html")
    return render(request, "core/interests/digest_unsubscribe.html", {"token": token})
