import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.personas import World, build_world
from tests.reports import REPORT_FILE

# Playwright's sync API runs an event loop in the test thread; Django's live server and
# ORM calls from that thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.browser",
    "tests.fake_networks",
    "tests.janus",
    "tests.radio",
    "tests.smtp_sink",
]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def english_pages(settings: Any) -> None:
    """Pages in English (the source language) for tests that read their wording; the
    site's default is French."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate limits live in the cache; each test starts with an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_must_not_fail() -> Iterator[None]:
    """The immediate task backend records a task's exception instead of raising it: a
    task that fails during a test fails the test, instead of showing only through later
    assertions (or not at all)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks.signals import task_finished

    failed: list[str] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        if task_result.status == TaskResultStatus.FAILED:
            failed.append(f"{task_result.task.module_path}: {task_result.errors}")

    task_finished.connect(record, weak=False)
    yield
    task_finished.disconnect(record)
    assert not failed, f"tasks failed during the test: {failed}"


def pytest_sessionstart(session: pytest.Session) -> None:
    # Only the controller (not xdist workers, which have workerinput) starts a fresh report.
    if not hasattr(session.config, "workerinput"):
        REPORT_FILE.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if REPORT_FILE.exists():
        terminalreporter.section("Colombe figures")
        for line in REPORT_FILE.read_text().splitlines():
            terminalreporter.write_line(line)
