"""Site search. Every part of the result goes through the policy's scoping querysets, so
a secret group never shows up for someone outside it — not even as a count."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.models import Hashtag, fold_hashtag
from colombe.groups.models import Group, Thread
from colombe.movement.models import Structure

MAX_RESULTS = 20


@dataclass
class SearchResults:
    structures: list[Structure] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    hashtags: list[Hashtag] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.structures or self.groups or self.threads or self.hashtags)


def search_everything(user: Any, query: str) -> SearchResults:
    groups = Group.objects.visible_to(user)
    readable = Group.objects.readable_by(user)
    tag_query = query.lstrip("#").lower()
    return SearchResults(
        structures=list(
            Structure.objects.filter(
                Q(name__icontains=query) | Q(description__icontains=query)
            ).select_related("territory")[:MAX_RESULTS]
        ),
        groups=list(
            groups.filter(
                Q(name__icontains=query) | Q(description__icontains=query)
            ).select_related("owner")[:MAX_RESULTS]
        ),
        threads=list(
            Thread.objects.filter(group__in=readable, title__icontains=query).select_related(
                "group"
            )[:MAX_RESULTS]
        ),
        hashtags=list(
            Hashtag.objects.filter(
                Q(name__icontains=tag_query) | Q(key__icontains=fold_hashtag(tag_query))
            )
            .filter(Q(groups__in=groups) | Q(people__in=policy.visible(User, user)))
            .distinct()[:MAX_RESULTS]
        ),
    )
