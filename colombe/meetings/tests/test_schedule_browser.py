"""Scheduling in a real browser, in French: Bob schedules through the form, then the
agenda, the meeting page and the form itself have no axe-core violation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from colombe.meetings.models import Meeting
from tests.browser import OpenContext, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_bob_schedules_a_meeting_in_french(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    context = new_context()
    force_login(context, live_server.url, world.bob)
    page = context.new_page()
    form_url = live_server.url + reverse("meetings:create") + "?structure=lyon"
    visit(page, form_url)
    # A form sent with an error shows the summary, and the page stays accessible.
    page.fill("#id_title", "")
    submit(page)
    assert page.locator(".error-summary").count() == 1
    visit(page, form_url)
    day = (timezone.localtime() + timedelta(days=5)).date()
    page.fill("#id_title", "Visio du comité")
    page.fill("#id_agenda", "- Bilan de la manifestation\n- Prochaines actions")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "19:00")
    page.fill("#id_end_time", "20:30")
    page.check("#id_audience_1")  # members of the movement
    page.check("#id_registration_required")
    page.fill("#id_capacity", "30")
    submit(page)
    meeting = Meeting.objects.get()
    assert page.url == live_server.url + meeting.get_absolute_url()
    assert meeting.title == "Visio du comité" and meeting.capacity == 30
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "19:00"
    visit(page, page.url)
    assert page.locator("h1").inner_text() == "Visio du comité"
    browser_zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    local_time = page.locator("[data-local-time]")
    if browser_zone != "Europe/Paris":  # the page adds the time on the viewer's clock
        assert f"({browser_zone})" in local_time.inner_text()
    else:
        assert local_time.is_hidden()
    visit(page, live_server.url + reverse("meetings:agenda"))
    assert page.get_by_role("link", name="Visio du comité").count() == 1
    visit(page, live_server.url + reverse("meetings:invitations", args=[meeting.slug]))
    visit(page, live_server.url + reverse("meetings:feed_settings"))
