"""Connecting the movement's Mastodon and Bluesky accounts to Colombe (the communication
group), and sending again a post that failed to go out."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from colombe.core.object_views import visible_object_view
from colombe.outreach import connect_forms
from colombe.outreach.models import SocialAccount
from colombe.outreach.networks.base import NetworkError
from colombe.outreach.networks.connection import connect_account, disconnect_account


@visible_object_view(SocialAccount, lookup="pk", login=True, perm="outreach.connect_account")
def account_connect(request: HttpRequest, account: SocialAccount) -> HttpResponse:
    form = connect_forms.FORMS[account.network](request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            identity = connect_account(
                request.user,
                account,
                other_account_ok=form.cleaned_data["other_account"],
                **form.credentials(),
            )
        except NetworkError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Connected as %(handle)s: reviewed posts will go out from Colombe.")
                % {"handle": identity.handle},
            )
            return redirect("outreach:account_connect", pk=account.pk)
    status = 422 if request.method == "POST" else 200
    context = {"account": account, "form": form}
    return render(request, "outreach/connect/connect.html", context, status=status)


@visible_object_view(SocialAccount, lookup="pk", login=True, perm="outreach.connect_account")
def account_disconnect(request: HttpRequest, account: SocialAccount) -> HttpResponse:
    if request.method == "POST":
        disconnect_account(request.user, account)
        messages.success(
            request,
            _(
                "Disconnected: Colombe no longer keeps the secret. Delete it on the network "
                "too, so that nobody can use it."
            ),
        )
        return redirect("outreach:account_connect", pk=account.pk)
    return render(request, "outreach/connect/disconnect.html", {"account": account})
