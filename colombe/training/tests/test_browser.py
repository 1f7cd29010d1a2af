"""In a real browser: Dana says she can help with video meetings; Monique, an older member
of the Lyon committee, reads the training pages in large text, asks for help; Dana sees the
request and offers; Monique accepts the offer (only then do they see each other's email
address), and both confirm that the help took place. Every page has no axe-core
violation, and the pages fit a phone's width."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from colombe.core.markdown import render_markdown
from colombe.mediatheque.tests.playback import NO_OVERFLOW, PHONE
from colombe.training.models import Level, MentoringRequest, Resource
from colombe.training.tests.training_helpers import approve, make_session, make_topic, member_of
from tests.browser import OpenContext, force_login, submit, visit
from tests.personas import World, build_world

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def fits_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate(NO_OVERFLOW), page.url
    page.set_viewport_size({"width": 1280, "height": 800})


def test_dana_helps_an_older_member_who_asked(
    live_server: LiveServer, new_context: OpenContext
) -> None:
    world: World = build_world()
    approve(world.dana, world.lyon)
    monique = member_of(world.lyon, "Monique")
    topic = make_topic()
    session = make_session(world, starts_at=timezone.now() + timedelta(days=2))
    body = "1. Ouvrez le courriel.\n2. Cliquez sur le lien « Rejoindre »."
    guide = Resource.objects.create(
        title="Rejoindre une visio",
        slug="rejoindre-une-visio",
        summary="Entrer dans une réunion en vidéo.",
        body=body,
        body_html=render_markdown(body),
        level=Level.BEGINNER,
        topic=topic,
    )
    url = live_server.url

    # Dana declares what she can help with.
    dana_context = new_context()
    force_login(dana_context, url, world.dana)
    dana = dana_context.new_page()
    visit(dana, url + reverse("training:skills"))
    fits_a_phone(dana)
    dana.check(f"#id_teach_{topic.pk}")
    dana.check(f"#id_listed_{topic.pk}")
    submit(dana)
    assert dana.locator(f"#id_teach_{topic.pk}").is_checked()

    # Monique reads the training pages in large text and asks for help.
    monique_context = new_context()
    force_login(monique_context, url, monique)
    older = monique_context.new_page()
    visit(older, url + reverse("training:home"))
    older.locator(".text-size a").click()  # "Larger text", whatever the language
    assert older.locator("body").get_attribute("class") == "large-text"
    size = older.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 21, size
    visit(older, url + reverse("training:home"))  # still large, checked by axe in this mode
    fits_a_phone(older)
    visit(older, url + session.get_absolute_url())
    fits_a_phone(older)
    visit(older, url + guide.get_absolute_url())
    fits_a_phone(older)
    visit(older, url + reverse("training:resource_print", args=[guide.slug]))
    fits_a_phone(older)
    visit(older, url + reverse("training:mentoring_ask"))
    older.select_option("#id_topic", str(topic.pk))
    older.fill("#id_availability", "Le mardi après-midi")
    older.fill("#id_details", "On ne m'entend pas pendant les visios du comité.")
    older.check("#id_in_person")
    submit(older)
    asked = MentoringRequest.objects.get()
    assert older.url == url + asked.get_absolute_url()
    assert asked.territory == world.lyon.territory  # proposed from her committee

    # Dana finds the request among those she could help with, and offers.
    visit(dana, url + reverse("training:mentoring"))
    fits_a_phone(dana)
    dana.get_by_role("link", name=topic.name).click()
    visit(dana, dana.url)
    submit(dana)
    asked.refresh_from_db()
    assert (asked.status, asked.mentor) == (MentoringRequest.Status.PAIRED, world.dana)
    assert dana.get_by_text(monique.email).count() == 0  # not before Monique accepts

    # Monique sees who offers, reads what accepting shares, and accepts.
    visit(older, url + asked.get_absolute_url())
    fits_a_phone(older)
    assert older.get_by_text(world.dana.email).count() == 0
    accept = reverse("training:mentoring_accept", args=[asked.pk])
    older.locator(f"main a[href='{accept}']").click()
    older.wait_for_url(url + accept)
    visit(older, older.url)
    fits_a_phone(older)
    assert older.get_by_text(monique.email).count() >= 1  # what will be shared
    submit(older)
    assert older.get_by_text(world.dana.email).count() >= 1

    # Dana now sees how to reach Monique, and says the help took place; Monique too.
    visit(dana, url + asked.get_absolute_url())
    assert dana.get_by_text(monique.email).count() >= 1
    submit(dana)  # "The help took place"
    visit(older, url + asked.get_absolute_url())
    submit(older)
    asked.refresh_from_db()
    assert asked.status == MentoringRequest.Status.DONE
    visit(older, url + reverse("training:mentoring"))
    fits_a_phone(older)

    # The communication group sees the demand: a chart and the same figures in tables.
    alice_context = new_context()
    force_login(alice_context, url, world.alice)
    alice = alice_context.new_page()
    visit(alice, url + reverse("training:demand"))
    assert alice.locator("svg[role=img] rect.done").count() == 1
    fits_a_phone(alice)
    alice.screenshot(path="/tmp/trdemo/demand.png", full_page=True)
    older.screenshot(path="/tmp/trdemo/mentoring.png", full_page=True)
