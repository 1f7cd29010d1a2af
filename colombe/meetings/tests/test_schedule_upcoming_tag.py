from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from colombe.meetings.models import Meeting
from colombe.meetings.tests.schedule_helpers import schedule
from tests.personas import World

pytestmark = pytest.mark.django_db
TAG = Template("{% load meetings_schedule %}{% upcoming_meetings owner %}")


def render_for(user: Any, owner: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return TAG.render(Context({"request": request, "owner": owner}))


def test_structure_page_lists_its_visible_meetings(world: World) -> None:
    schedule(world, audience=Meeting.Audience.PUBLIC, title="Réunion publique")
    schedule(world, title="Réunion du comité")
    schedule(world, group=world.secret_group, title="Réunion secrète")
    anonymous = render_for(None, world.lyon)
    assert "Réunion publique" in anonymous and "Réunion du comité" not in anonymous
    assert "?structure=lyon" not in anonymous
    bob = render_for(world.bob, world.lyon)
    assert "Réunion du comité" in bob and "?structure=lyon" in bob
    assert "Réunion secrète" not in bob  # on the group's page


def test_group_page_lists_the_group_meetings(world: World) -> None:
    schedule(world, group=world.secret_group, title="Réunion secrète")
    charlie = render_for(world.charlie, world.secret_group)
    assert "Réunion secrète" in charlie and "?group=" not in charlie
    assert "?group=" in render_for(world.bob, world.secret_group)
