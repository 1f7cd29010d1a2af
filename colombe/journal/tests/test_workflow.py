"""The edition's workflow and who may see and do what."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.journal import services
from colombe.journal.models import Edition, JournalEditor
from colombe.journal.tests.journal_helpers import open_edition, published_edition, report_in_period

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_draft_is_404_for_outsiders_and_members_who_are_not_editors(world):
    edition = open_edition(world)
    for person in (None, world.eve, world.charlie, world.bob):
        client = client_for(person)
        assert client.get(reverse("journal:edition", args=[edition.number])).status_code == 404
        assert client.get(reverse("journal:pdf", args=[edition.number])).status_code == 404
        edit = client.get(reverse("journal:edit", args=[edition.number]))
        assert edit.status_code == 404
        publish = client.post(reverse("journal:publish", args=[edition.number]))
        assert publish.status_code == 404
    archive = client_for(world.eve).get(reverse("journal:archive"))
    assert edition.title not in archive.content.decode()


def test_published_edition_is_public_but_not_editable(world):
    report = report_in_period(world, "Tractage au marché")
    edition = published_edition(world, report)
    anonymous = Client()
    page = anonymous.get(reverse("journal:edition", args=[edition.number]))
    assert page.status_code == 200 and "Tractage au marché" in page.content.decode()
    assert "Automne" in anonymous.get(reverse("journal:archive")).content.decode()
    eve = client_for(world.eve)
    assert eve.get(reverse("journal:edit", args=[edition.number])).status_code == 403
    # Not even the editors change what subscribers received.
    alice = client_for(world.alice)
    assert alice.get(reverse("journal:edit", args=[edition.number])).status_code == 403


def test_appointed_editor_works_on_drafts_and_others_may_not_appoint(world):
    edition = open_edition(world)
    charlie = client_for(world.charlie)
    assert charlie.get(reverse("journal:team")).status_code == 403
    assert charlie.get(reverse("journal:open")).status_code == 403
    alice = client_for(world.alice)
    response = alice.post(reverse("journal:team"), {"email": "charlie@example.org"})
    assert response.status_code == 302
    assert JournalEditor.objects.filter(user=world.charlie).exists()
    assert charlie.get(reverse("journal:edit", args=[edition.number])).status_code == 200
    editor = JournalEditor.objects.get(user=world.charlie)
    alice.post(reverse("journal:remove_editor", args=[editor.pk]))
    assert charlie.get(reverse("journal:edit", args=[edition.number])).status_code == 404


def test_editors_open_an_edition_through_the_form(world):
    alice = client_for(world.alice)
    form = {"title": "Hiver", "period_start": "2026-12-01", "period_end": "2027-02-28"}
    response = alice.post(reverse("journal:open"), form)
    edition = Edition.objects.get(title="Hiver")
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("journal:edit", args=[edition.number])
    )
    backwards = {**form, "title": "À l'envers", "period_end": "2026-11-01"}
    assert alice.post(reverse("journal:open"), backwards).status_code == 422
    assert not Edition.objects.filter(title="À l'envers").exists()


def test_workflow_goes_through_proofreading_with_confirmation(world):
    report = report_in_period(world, "Stand place Bellecour")
    edition = open_edition(world)
    alice = client_for(world.alice)
    alice.post(reverse("journal:add_report", args=[edition.number]), {"report": report.pk})
    # Publishing a draft is refused: it must be proofread first.
    assert alice.post(reverse("journal:publish", args=[edition.number])).status_code == 403
    alice.post(reverse("journal:to_proofreading", args=[edition.number]))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.PROOFREADING
    confirmation = alice.get(reverse("journal:publish", args=[edition.number]))
    assert confirmation.status_code == 200
    edition.refresh_from_db()
    assert edition.status == Edition.Status.PROOFREADING  # asking is not publishing
    alice.post(reverse("journal:publish", args=[edition.number]))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.PUBLISHED and edition.published_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"journal.edition.proofreading", "journal.edition.published"} <= actions


def test_back_to_draft_from_proofreading(world):
    edition = open_edition(world)
    services.send_to_proofreading(actor=world.alice, edition=edition)
    services.back_to_draft(actor=world.alice, edition=edition)
    assert edition.status == Edition.Status.DRAFT
    with pytest.raises(PermissionDenied):
        services.publish_edition(actor=world.alice, edition=edition)


def test_sections_order_and_cut_texts(world):
    first = report_in_period(world, "Premier")
    second = report_in_period(world, "Second")
    edition = open_edition(world)
    alice = client_for(world.alice)
    for report in (first, second):
        alice.post(reverse("journal:add_report", args=[edition.number]), {"report": report.pk})
    alice.post(reverse("journal:add_section", args=[edition.number]), {"title": "Dans la rue"})
    section = edition.sections.get()
    item_first, item_second = edition.items.order_by("order")
    alice.post(
        reverse("journal:update_item", args=[edition.number, item_second.pk]),
        {
            f"item-{item_second.pk}-section": section.pk,
            f"item-{item_second.pk}-short_text": "Court.",
        },
    )
    alice.post(
        reverse("journal:update_item", args=[edition.number, item_first.pk]),
        {f"item-{item_first.pk}-section": section.pk, f"item-{item_first.pk}-short_text": ""},
    )
    alice.post(reverse("journal:move_item_up", args=[edition.number, item_second.pk]))
    sections = services.printed_sections(edition)
    assert [s.title for s in sections] == ["Dans la rue"]
    assert [i.report.title for i in sections[0].items] == ["Second", "Premier"]
    assert sections[0].items[0].short_text == "Court."
    page = alice.get(reverse("journal:edition", args=[edition.number])).content.decode()
    assert page.index("Second") < page.index("Premier") and "Court." in page


def test_comments_between_editors(world):
    edition = open_edition(world)
    alice = client_for(world.alice)
    alice.post(reverse("journal:comment", args=[edition.number]), {"body": "Relis l'édito"})
    assert edition.comments.get().author == world.alice
    eve = client_for(world.eve)
    assert (
        eve.post(reverse("journal:comment", args=[edition.number]), {"body": "x"}).status_code
        == 404
    )
    assert edition.comments.count() == 1


def test_cover_photo_must_be_a_featured_reports_photo(world):
    from colombe.journal.tests.journal_helpers import add_photo

    featured = report_in_period(world, "Avec photo")
    other = report_in_period(world, "Autre")
    featured_photo, other_photo = add_photo(featured), add_photo(other)
    edition = open_edition(world)
    services.add_report(actor=world.alice, edition=edition, report=featured)
    with pytest.raises(PermissionDenied):
        services.update_edition(
            actor=world.alice, edition=edition, fields={"cover_photo": other_photo}
        )
    services.update_edition(
        actor=world.alice,
        edition=edition,
        fields={"cover_photo": featured_photo, "editorial": "**Bravo** aux comités"},
    )
    assert edition.cover_photo == featured_photo
    assert "<strong>Bravo</strong>" in edition.editorial_html


def test_item_cannot_go_to_another_editions_section(world):
    edition = open_edition(world)
    other = open_edition(world, "Autre numéro")
    foreign = services.add_section(actor=world.alice, edition=other, title="Ailleurs")
    item = services.add_report(
        actor=world.alice, edition=edition, report=report_in_period(world, "Tractage")
    )
    alice = client_for(world.alice)
    response = alice.post(
        reverse("journal:update_item", args=[edition.number, item.pk]),
        {f"item-{item.pk}-section": foreign.pk, f"item-{item.pk}-short_text": "x"},
    )
    assert response.status_code == 422 and 'class="field-error"' in response.content.decode()
    item.refresh_from_db()
    assert item.section is None and item.short_text == ""
