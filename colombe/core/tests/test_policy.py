import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from colombe.core import policy
from tests.personas import World


def test_require_answers_404_for_an_invisible_secret_group(world: World) -> None:
    with pytest.raises(Http404):
        policy.require(world.eve, "groups.read", world.secret_group)


def test_require_answers_403_for_a_visible_group_and_a_refused_action(world: World) -> None:
    with pytest.raises(PermissionDenied):
        policy.require(world.eve, "groups.post", world.private_group)


def test_national_admin_is_not_told_about_secret_groups(world: World) -> None:
    assert not policy.can_see(world.alice, world.secret_group)
    assert world.secret_group not in policy.visible(type(world.secret_group), world.alice)


def test_unknown_permission_code_is_an_error(world: World) -> None:
    with pytest.raises(LookupError):
        policy.has_perm(world.bob, "groups.fly", world.public_group)
