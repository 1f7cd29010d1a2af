from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from colombe.core import policy
from colombe.movement.models import Structure


def directory(request: HttpRequest) -> HttpResponse:
    committees = Structure.objects.committees().select_related("territory")
    return render(request, "movement/directory.html", {"committees": committees})


def structure(request: HttpRequest, slug: str) -> HttpResponse:
    obj = policy.get_visible_or_404(Structure, request.user, slug=slug)
    return render(request, "movement/structure.html", {"structure": obj})
