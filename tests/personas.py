"""The personas of DESIGN.md in a small world: one committee, and one group of each
visibility owned by it. Bob moderates every group, Charlie is a member of every group."""

from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from colombe.accounts.models import User
from colombe.groups.models import Group, GroupMembership, Visibility
from colombe.movement.models import Membership, PartnerOrganisation, Structure, Territory
from tests import factories

SECRET_GROUP_NAME = "Cercle Zéphyr-Quetzal"
SECRET_GROUP_SLUG = "cercle-zephyr-quetzal"


@dataclass
class World:
    alice: User
    bob: User
    charlie: User
    dana: User
    eve: User
    frank: User
    national: Structure
    lyon: Structure
    collective: Structure
    public_group: Group
    private_group: Group
    secret_group: Group

    def group(self, visibility: str) -> Group:
        return {
            Visibility.PUBLIC: self.public_group,
            Visibility.PRIVATE: self.private_group,
            Visibility.SECRET: self.secret_group,
        }[Visibility(visibility)]


def build_world() -> World:
    france = factories.TerritoryFactory.create(
        name="France", slug="france", level=Territory.Level.NATIONAL
    )
    region = factories.TerritoryFactory.create(
        name="Auvergne-Rhône-Alpes",
        slug="auvergne-rhone-alpes",
        level=Territory.Level.REGION,
        parent=france,
    )
    rhone = factories.TerritoryFactory.create(
        name="Rhône", slug="rhone", level=Territory.Level.DEPARTMENT, parent=region, code="69"
    )
    national = factories.StructureFactory.create(
        kind=Structure.Kind.NATIONAL, name="Secrétariat national", slug="national", territory=france
    )
    lyon = factories.StructureFactory.create(name="Comité de Lyon", slug="lyon", territory=rhone)
    collective = factories.StructureFactory.create(
        kind=Structure.Kind.COLLECTIVE,
        name="Collectif pour la paix",
        slug="collectif-paix",
        territory=france,
    )
    alice = factories.UserFactory.create(
        email="alice@example.org", display_name="Alice", is_national_admin=True
    )
    TOTP.activate(alice, generate_totp_secret())
    bob = factories.UserFactory.create(email="bob@example.org", display_name="Bob")
    charlie = factories.UserFactory.create(email="charlie@example.org", display_name="Charlie")
    dana = factories.UserFactory.create(email="dana@example.org", display_name="Dana")
    eve = factories.UserFactory.create(email="eve@example.org", display_name="Eve")
    frank = factories.UserFactory.create(email="frank@example.org", display_name="Frank")
    factories.MembershipFactory.create(user=alice, structure=national, role=Membership.Role.LEADER)
    factories.MembershipFactory.create(
        user=bob, structure=lyon, role=Membership.Role.LEADER, is_relay=True
    )
    factories.MembershipFactory.create(user=charlie, structure=lyon)
    factories.MembershipFactory.create(
        user=dana, structure=lyon, status=Membership.Status.PENDING, approved_at=None
    )
    partner = PartnerOrganisation.objects.create(name="Association des Amis", slug="amis")
    collective.partners.add(partner)
    factories.MembershipFactory.create(
        user=frank, structure=collective, role=Membership.Role.REPRESENTATIVE, organisation=partner
    )
    groups = {}
    for visibility, name, slug in [
        (Visibility.PUBLIC, "Groupe public de Lyon", "lyon-public"),
        (Visibility.PRIVATE, "Groupe privé de Lyon", "lyon-prive"),
        (Visibility.SECRET, SECRET_GROUP_NAME, SECRET_GROUP_SLUG),
    ]:
        group = factories.GroupFactory.create(
            owner=lyon, name=name, slug=slug, visibility=visibility
        )
        factories.GroupMembershipFactory.create(
            group=group, user=bob, role=GroupMembership.Role.OWNER
        )
        factories.GroupMembershipFactory.create(group=group, user=charlie)
        thread = factories.ThreadFactory.create(
            group=group, author=bob, title=f"Discussion — {name}"
        )
        factories.PostFactory.create(thread=thread, author=bob)
        groups[visibility] = group
    return World(
        alice=alice,
        bob=bob,
        charlie=charlie,
        dana=dana,
        eve=eve,
        frank=frank,
        national=national,
        lyon=lyon,
        collective=collective,
        public_group=groups[Visibility.PUBLIC],
        private_group=groups[Visibility.PRIVATE],
        secret_group=groups[Visibility.SECRET],
    )
