"""Linking a report to the meeting it came from: the form offers the meetings the author
may see, and the report's page names the meeting only to those who may see it."""

from django.test import Client
from django.urls import reverse

from colombe.meetings.models import Meeting
from colombe.meetings.tests.after_helpers import make_meeting
from colombe.reports.models import ActionReport
from colombe.reports.tests.report_helpers import form_data, make_report
from tests.personas import World


def lyon_meetings(world: World) -> tuple[Meeting, Meeting]:
    open_meeting = make_meeting(
        world.lyon, title="Réunion ouverte", audience=Meeting.Audience.PUBLIC
    )
    secret = make_meeting(world.lyon, group=world.secret_group, title="Réunion Grèbe-Huppé")
    return open_meeting, secret


def test_the_form_offers_the_meetings_the_author_may_see(client: Client, world: World) -> None:
    open_meeting, _secret = lyon_meetings(world)
    create = reverse("reports:create") + f"?structure={world.lyon.slug}"

    client.force_login(world.bob)
    page = client.get(create).content.decode()
    assert "Réunion ouverte" in page and "Réunion Grèbe-Huppé" in page
    client.post(create, form_data(meeting=str(open_meeting.pk), action="publish"))
    report = ActionReport.objects.get(title="Tractage devant la gare")
    assert report.meeting == open_meeting

    client.force_login(world.alice)  # national administrator, not in the secret group
    assert "Réunion Grèbe-Huppé" not in client.get(create).content.decode()


def test_the_report_names_its_meeting_only_to_those_who_may_see_it(
    client: Client, world: World
) -> None:
    _open_meeting, secret = lyon_meetings(world)
    report = make_report(world, meeting=secret)

    client.force_login(world.charlie)  # member of the secret group
    assert "Réunion Grèbe-Huppé" in client.get(report.get_absolute_url()).content.decode()
    client.force_login(world.eve)
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200 and "Réunion Grèbe-Huppé" not in page.content.decode()
