"""In a real browser, in French: an organiser writes the minutes with one decision and
one action item, publishes them, and the pages have no accessibility violation."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from colombe.groups.models import Thread
from colombe.meetings.models import Minutes
from colombe.meetings.tests.after_helpers import make_meeting, seat
from tests.browser import force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_organiser_writes_and_publishes_minutes(
    live_server: Any, new_context: Callable[..., Any], world: World
) -> None:
    meeting = make_meeting(world.lyon, group=world.public_group, title="Réunion de rentrée")
    seat(meeting, "Charlie", joined=0, left=60, user=world.charlie)
    context = new_context(locale="fr-FR")
    force_login(context, live_server.url, world.bob)
    page = context.new_page()

    visit(page, live_server.url + reverse("meetings:minutes_edit", args=[meeting.slug]))
    page.fill("#id_body", "Nous étions **douze** pour préparer la rentrée.")
    page.fill("#id_decisions-0-text", "Tenir un stand au forum des associations.")
    page.fill("#id_actions-0-text", "Réserver le stand auprès de la mairie")
    page.select_option("#id_actions-0-assignee", str(world.charlie.pk))
    page.fill("#id_actions-0-due_on", "2026-09-01")
    submit(page)
    assert page.url.endswith(reverse("meetings:minutes", args=[meeting.slug]))
    assert page.get_by_text("Tenir un stand au forum des associations.").is_visible()

    visit(page, live_server.url + reverse("meetings:minutes_publish", args=[meeting.slug]))
    submit(page)
    visit(page, page.url)
    main = page.locator("main").inner_text()
    assert "Réserver le stand auprès de la mairie" in main and "Charlie" in main
    assert Minutes.objects.get(meeting=meeting).published_at is not None
    assert (
        Thread.objects.filter(group=world.public_group, title__contains=meeting.title).count() == 1
    )
    assert [message.to for message in mail.outbox] == [[world.charlie.email]]
