"""The naming-convention checker: templates filled in for a structure, labels compared
with the normalisation naming.py documents, and templates refused with a clear reason."""

import unicodedata
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from colombe.movement.models import Structure
from colombe.outreach import naming
from colombe.outreach.models import NamingRule, Network, SocialAccount
from tests.personas import World

pytestmark = pytest.mark.django_db

COMMITTEE_RULE = "{movement} — {name}"


@pytest.fixture(autouse=True)
def _movement(settings: Any) -> None:
    settings.OUTREACH_MOVEMENT_NAME = "Colombe"


def lyon_account(world: World, label: str, handle: str = "@colombe_lyon") -> SocialAccount:
    return SocialAccount.objects.create(
        network=Network.MASTODON,
        handle=handle,
        url="https://mastodon.example/@colombe_lyon",
        label=label,
        owner=world.lyon,
    )


def committee_rule(label: str = COMMITTEE_RULE, bio: str = "") -> NamingRule:
    return NamingRule.objects.create(
        owner_kind=Structure.Kind.COMMITTEE, label_template=label, bio_template=bio
    )


def test_the_three_placeholders_are_filled_in(world: World) -> None:
    committee_rule("{movement} — {name} ({place})", bio="{name}, pour {movement} en {place}.")
    account = lyon_account(world, "whatever")
    assert naming.expected_label(account) == "Colombe — Comité de Lyon (Rhône)"
    assert naming.expected_bio(account) == "Comité de Lyon, pour Colombe en Rhône."


def test_the_movement_name_comes_from_the_settings(world: World, settings: Any) -> None:
    settings.OUTREACH_MOVEMENT_NAME = "Paix Maintenant"
    committee_rule()
    assert naming.expected_label(lyon_account(world, "x")) == "Paix Maintenant — Comité de Lyon"


def test_each_kind_of_owner_has_its_own_rule(world: World) -> None:
    committee_rule()
    NamingRule.objects.create(owner_kind=Structure.Kind.NATIONAL, label_template="{movement}")
    national = SocialAccount.objects.create(
        network=Network.BLUESKY,
        handle="colombe.bsky.social",
        url="https://bsky.app/profile/colombe.bsky.social",
        label="Colombe",
        owner=world.national,
    )
    assert naming.expected_label(national) == "Colombe"
    assert naming.conforms(national)
    assert naming.expected_label(lyon_account(world, "Colombe")) == "Colombe — Comité de Lyon"


def test_an_exact_label_conforms(world: World) -> None:
    committee_rule()
    assert naming.conforms(lyon_account(world, "Colombe — Comité de Lyon"))


@pytest.mark.parametrize(
    "label",
    [
        "Colombe – Comité de Lyon",  # en dash
        "Colombe - Comité de Lyon",  # hyphen between spaces
        "Colombe—Comité de Lyon",  # em dash without spaces
        "  Colombe   —  Comité de Lyon ",  # extra spaces
        "Colombe —\tComité de Lyon",  # a tab
        unicodedata.normalize("NFD", "Colombe — Comité de Lyon"),  # é as e + accent
    ],
)
def test_spaces_dashes_and_unicode_forms_do_not_count(world: World, label: str) -> None:
    committee_rule()
    assert naming.conforms(lyon_account(world, label))


def test_typographic_and_straight_apostrophes_are_the_same(world: World) -> None:
    world.lyon.name = "Comité d’Écully"
    world.lyon.save()
    committee_rule()
    assert naming.conforms(lyon_account(world, "Colombe — Comité d'Écully"))


@pytest.mark.parametrize(
    "label",
    [
        "colombe — comité de lyon",  # capitals are part of the convention
        "COLOMBE — COMITÉ DE LYON",
        "Colombe Lyon",
        "Colombe-Comité de Lyon",  # a hyphen inside a word is not a separator
        "Colombe — Comité de Lyon officiel",
        "Comité de Lyon — Colombe",
    ],
)
def test_other_labels_do_not_conform(world: World, label: str) -> None:
    committee_rule()
    assert not naming.conforms(lyon_account(world, label))


def test_hyphens_inside_names_stay_hyphens() -> None:
    assert naming.normalise_label("Colombe — Auvergne-Rhône-Alpes") == (
        "Colombe — Auvergne-Rhône-Alpes"
    )


def test_without_a_rule_nothing_is_expected_and_the_label_conforms(world: World) -> None:
    account = lyon_account(world, "Anything at all")
    assert naming.expected_label(account) is None
    assert naming.expected_bio(account) is None
    assert naming.conforms(account)


def test_an_empty_bio_template_suggests_no_description(world: World) -> None:
    committee_rule(bio="   ")
    assert naming.expected_bio(lyon_account(world, "x")) is None


def test_non_conforming_lists_only_accounts_off_convention_with_the_suggestion(
    world: World,
) -> None:
    committee_rule()
    good = lyon_account(world, "Colombe - Comité de Lyon", handle="@good")
    bad = lyon_account(world, "Colombe Lyon", handle="@bad")
    no_rule = SocialAccount.objects.create(
        network=Network.X,
        handle="@collectif",
        url="https://x.com/collectif",
        label="Collectif",
        owner=world.collective,
    )
    found = naming.non_conforming([good, bad, no_rule])
    assert found == [naming.Nonconformity(bad, "Colombe — Comité de Lyon")]


def test_a_convention_reads_the_rules_once(world: World, django_assert_num_queries: Any) -> None:
    committee_rule()
    accounts = [lyon_account(world, f"Label {n}", handle=f"@h{n}") for n in range(5)]
    for account in accounts:
        account.owner = Structure.objects.select_related("territory").get(pk=world.lyon.pk)
    with django_assert_num_queries(1):
        assert len(naming.non_conforming(accounts)) == 5


# Templates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "{movement} — {name}",
        "{name} ({place})",
        "Plain text without placeholder",
        "Braces written twice: {{not a placeholder}}",
        "",
    ],
)
def test_valid_templates_pass(template: str) -> None:
    naming.validate_template(template)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{movement} — {nom}", "{nom} is not a placeholder"),
        ("{movement} — {}", "{} is not a placeholder"),
        ("{0}", "{0} is not a placeholder"),
        ("{name.upper}", "{name.upper} is not a placeholder"),
        ("{name!r}", "{name!r} is not a placeholder"),
        ("{name:>30}", "{name:>30} is not a placeholder"),
        ("{movement — {name}", "A brace is not closed or not opened"),
        ("{movement} — name}", "A brace is not closed or not opened"),
        ("{movement", "A brace is not closed or not opened"),
    ],
)
def test_broken_templates_are_refused_with_a_clear_reason(template: str, message: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        naming.validate_template(template)
    text = " ".join(refusal.value.messages)
    assert message in text
    if "not a placeholder" in message:
        assert "{movement}, {name}, {place}" in text


def test_a_broken_rule_saved_before_the_checks_suggests_nothing(world: World) -> None:
    committee_rule("{movement} — {nom}")
    account = lyon_account(world, "Colombe — Comité de Lyon")
    assert naming.expected_label(account) is None
    assert naming.conforms(account)


def test_filling_does_not_give_access_to_attributes(world: World) -> None:
    with pytest.raises(naming.InvalidTemplate):
        naming.fill("{name.__class__}", world.lyon)
