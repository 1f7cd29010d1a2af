from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.accounts import services
from colombe.accounts.forms import DeleteAccountForm, ProfileForm
from colombe.accounts.models import User
from colombe.accounts.reauthentication import recent_authentication_required
from colombe.core import policy, ratelimit
from colombe.groups.models import GroupMembership
from colombe.movement.models import Membership


def signed_in_user(request: HttpRequest) -> User:
    """The logged-in person (views calling this are behind ``login_required``)."""
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    memberships = Membership.objects.filter(user=user).select_related("structure")
    group_memberships = (
        GroupMembership.objects.filter(user=user).select_related("group").order_by("group__name")
    )
    return render(
        request,
        "accounts/me.html",
        {
            "person": user,
            "memberships": memberships,
            "group_memberships": group_memberships,
            "interests": user.interests.order_by("name"),
        },
    )


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    person = policy.get_visible_or_404(User, request.user, pk=pk)
    # Structures are public; groups are never listed here, so no secret group can leak.
    memberships = Membership.objects.filter(
        user=person, status=Membership.Status.ACTIVE
    ).select_related("structure")
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "memberships": memberships,
            "interests": person.interests.order_by("name"),
            "is_me": person.pk == request.user.pk,
        },
    )


@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method != "POST":
        form = ProfileForm.for_user(user)
        return render(request, "accounts/edit_profile.html", {"form": form})
    form = ProfileForm.for_user(user, data=request.POST)
    if not form.is_valid():
        return render(request, "accounts/edit_profile.html", {"form": form}, status=422)
    services.update_profile(user=user, **form.cleaned_data)
    messages.success(request, _("Your profile has been saved."))
    return redirect("accounts:me")


@login_required
def consents(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "accounts/consents.html", {"consents": user.consents.all()})


# The export holds session IP addresses and more: a stolen session alone must not get it.
@login_required
@recent_authentication_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/my_data.html", {})


@login_required
@require_POST
@recent_authentication_required
def download_my_data(request: HttpRequest) -> HttpResponse:
    archive = services.export_personal_data(user=signed_in_user(request))
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="colombe-my-data.zip"'
    return response


# Password attempts on the deletion form, per person: with a stolen session it must not
# become a way to guess the password.
DELETE_ATTEMPTS_LIMIT = 5
DELETE_ATTEMPTS_PERIOD_SECONDS = 300


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    blocking_groups = services.groups_needing_new_owner(user)
    form = DeleteAccountForm(user, data=request.POST if request.method == "POST" else None)
    context = {"form": form, "blocking_groups": blocking_groups}
    if request.method != "POST":
        return render(request, "accounts/delete_account.html", context)
    if blocking_groups:
        return render(request, "accounts/delete_account.html", context, status=409)
    if not ratelimit.hit_key(
        f"accounts.delete_account:{user.pk}",
        limit=DELETE_ATTEMPTS_LIMIT,
        period_seconds=DELETE_ATTEMPTS_PERIOD_SECONDS,
    ):
        return render(request, "429.html", status=429)
    if not form.is_valid():
        return render(request, "accounts/delete_account.html", context, status=422)
    try:
        services.delete_account(user=user)
    except services.LastOwnerError as refusal:
        context["blocking_groups"] = refusal.groups
        return render(request, "accounts/delete_account.html", context, status=409)
    logout(request)
    messages.success(request, _("Your account has been deleted. Thank you for your commitment."))
    return redirect("core:home")
