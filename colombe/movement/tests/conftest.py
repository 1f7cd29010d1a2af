import pytest

from colombe.accounts.models import User
from colombe.movement.models import Territory
from tests import factories
from tests.personas import World


@pytest.fixture
def region(world: World) -> Territory:
    return Territory.objects.get(slug="auvergne-rhone-alpes")


@pytest.fixture
def coordinator(region: Territory) -> User:
    """Gaspard coordinates the region of Lyon."""
    person = factories.UserFactory.create(email="gaspard@example.org", display_name="Gaspard")
    region.coordinators.add(person)
    return person


@pytest.fixture
def other_region(world: World) -> Territory:
    france = Territory.objects.get(slug="france")
    return factories.TerritoryFactory.create(
        name="Bretagne", slug="bretagne", level=Territory.Level.REGION, parent=france
    )
