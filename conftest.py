import os
from collections.abc import Iterator

import pytest

from tests.personas import World, build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate limits live in the cache; each test starts with an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
