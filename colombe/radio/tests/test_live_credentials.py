"""Presenters' harbor credentials: issued with a password shown once, checked when
streaming software connects, revoked; live sessions as Liquidsoap reports them."""

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from colombe.core.models import AuditEntry
from colombe.radio import live
from colombe.radio.models import HarborCredential, LiveSession, Show
from tests.personas import World


@pytest.fixture
def show(world: World) -> Show:
    show = Show.objects.create(title="La voix des comités", slug="voix")
    show.presenters.add(world.bob)
    return show


def test_a_presenter_gets_a_personal_username_and_a_password_kept_only_as_a_hash(
    world: World, show: Show
) -> None:
    credential, password = live.issue_credential(world.bob)
    assert credential.user == world.bob
    assert credential.username.startswith("bob-")
    assert len(password) >= 24
    assert password not in credential.password_hash
    assert live.check_login(credential.username, password) == credential
    assert live.check_login(credential.username, password + "x") is None
    entry = AuditEntry.objects.get(action="radio.credential.issued")
    assert entry.actor == world.bob
    assert password not in str(entry.data)


def test_usernames_are_unique_even_for_the_same_person(world: World, show: Show) -> None:
    usernames = {live.issue_credential(world.bob)[0].username for _ in range(5)}
    assert len(usernames) == 5


def test_a_username_comes_from_the_address_when_there_is_no_name(world: World, show: Show) -> None:
    world.bob.display_name = ""
    world.bob.save()
    assert live.issue_credential(world.bob)[0].username.startswith("bob-")


def test_someone_who_may_not_go_live_gets_no_credentials(world: World, show: Show) -> None:
    with pytest.raises(PermissionDenied):
        live.issue_credential(world.charlie)
    assert not HarborCredential.objects.exists()


def test_the_right_login_is_accepted_and_its_use_recorded(world: World, show: Show) -> None:
    credential, password = live.issue_credential(world.bob)
    assert live.check_login(credential.username, password) == credential
    credential.refresh_from_db()
    assert credential.last_used_at is not None


@pytest.mark.parametrize("wrong", ["password", "username"])
def test_a_wrong_password_or_unknown_username_is_refused(
    world: World, show: Show, wrong: str
) -> None:
    credential, password = live.issue_credential(world.bob)
    username = "nobody-123456" if wrong == "username" else credential.username
    assert live.check_login(username, password + "x" if wrong == "password" else password) is None


def test_a_revoked_credential_is_refused_and_the_revocation_audited(
    world: World, show: Show
) -> None:
    credential, password = live.issue_credential(world.bob)
    live.revoke_credential(credential, by=world.bob)
    assert live.check_login(credential.username, password) is None
    assert AuditEntry.objects.filter(action="radio.credential.revoked", actor=world.bob).exists()
    # Revoking again changes nothing and records nothing more.
    revoked_at = credential.revoked_at
    live.revoke_credential(credential, by=world.bob)
    assert credential.revoked_at == revoked_at
    assert AuditEntry.objects.filter(action="radio.credential.revoked").count() == 1


def test_a_presenter_whose_show_left_the_programme_is_refused(world: World, show: Show) -> None:
    credential, password = live.issue_credential(world.bob)
    show.is_active = False
    show.save()
    assert live.check_login(credential.username, password) is None


def test_a_deactivated_account_is_refused(world: World, show: Show) -> None:
    credential, password = live.issue_credential(world.bob)
    world.bob.is_active = False
    world.bob.save()
    assert live.check_login(credential.username, password) is None


def test_an_administrator_may_revoke_anyones_credentials_others_may_not(
    world: World, show: Show
) -> None:
    credential, _password = live.issue_credential(world.bob)
    with pytest.raises(Http404):
        live.revoke_credential(credential, by=world.charlie)
    live.revoke_credential(credential, by=world.alice)
    credential.refresh_from_db()
    assert credential.revoked_at is not None


def test_listeners_see_the_title_of_the_presenters_show(world: World, show: Show) -> None:
    credential, _password = live.issue_credential(world.bob)
    assert live.live_title(credential) == "La voix des comités"
    admin_credential, _password = live.issue_credential(world.alice)
    assert live.live_title(admin_credential) == "Radio Colombe"


def test_a_live_session_opens_and_ends_as_liquidsoap_reports(world: World, show: Show) -> None:
    credential, _password = live.issue_credential(world.bob)
    assert live.current_session() is None
    session = live.live_started(credential)
    assert live.current_session() == session
    assert live.live_ended() == [session]
    assert live.current_session() is None
    session.refresh_from_db()
    assert session.ended_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"radio.live.started", "radio.live.ended"} <= actions


def test_a_session_left_open_is_closed_when_the_next_presenter_connects(
    world: World, show: Show
) -> None:
    credential, _password = live.issue_credential(world.bob)
    forgotten = live.live_started(credential)
    latest = live.live_started(credential)
    forgotten.refresh_from_db()
    assert forgotten.ended_at is not None
    assert live.current_session() == latest
    assert LiveSession.objects.filter(ended_at__isnull=True).count() == 1


def test_revoking_credentials_on_air_stands_even_when_liquidsoap_is_not_running(
    world: World,
    show: Show,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Cutting the broadcast is asked of Liquidsoap once the revocation is committed
    (tests/test_streaming_integration.py does it for real); Liquidsoap being down
    changes nothing to the revocation."""
    settings.RADIO_STATE_DIR = tmp_path / "radio-not-running"
    credential, _password = live.issue_credential(world.bob)
    live.live_started(credential)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        live.revoke_credential(credential, by=world.bob)

    assert len(callbacks) == 1
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert "Could not ask Liquidsoap to cut" in caplog.text
    # Nothing to cut when the credentials are not on air.
    other, _password = live.issue_credential(world.bob)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        live.revoke_credential(other, by=world.bob)
    assert callbacks == []
