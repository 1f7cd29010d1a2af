from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from colombe.accounts.models import User
from colombe.core import policy


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/me.html", {})


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    person = policy.get_visible_or_404(User, request.user, pk=pk)
    return render(request, "accounts/profile.html", {"person": person})
