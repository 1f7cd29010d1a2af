from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from colombe.core import policy
from colombe.groups.models import Group, Thread


def group_list(request: HttpRequest) -> HttpResponse:
    groups = Group.objects.visible_to(request.user).select_related("owner")
    return render(request, "groups/list.html", {"groups": groups})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = policy.get_visible_or_404(Group, request.user, slug=slug)
    return render(request, "groups/detail.html", {"group": group})


def thread(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = policy.get_visible_or_404(Group, request.user, slug=slug)
    policy.require(request.user, "groups.read", group)
    obj = get_object_or_404(Thread, group=group, pk=pk)
    return render(request, "groups/thread.html", {"group": group, "thread": obj})
