from django.test import Client

from tests.personas import SECRET_GROUP_SLUG, World


def test_sitemap_lists_open_groups_and_never_the_secret_one(client: Client, world: World) -> None:
    body = client.get("/sitemap.xml").content.decode()
    assert f"/groupes/{world.public_group.slug}/" in body
    assert f"/groupes/{world.private_group.slug}/" in body
    assert SECRET_GROUP_SLUG not in body
