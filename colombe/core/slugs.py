"""Slugs that no other row uses: the base, else the base with -2, -3…"""

from django.db.models import QuerySet


def first_free_slug(taken: QuerySet, base: str, exclude_pk: int | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``…: the first that no row of ``taken`` has
    (leaving out the row ``exclude_pk``, whose own slug is being recomputed)."""
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    slug, number = base, 1
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug
