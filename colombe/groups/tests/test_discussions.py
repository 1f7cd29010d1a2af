from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.groups.models import Post, Thread
from colombe.groups.tests.conftest import assert_hides_secret
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db


def make_post(**fields: Any) -> Post:
    return cast(Post, factories.PostFactory(**fields))


def first_thread(world: World, visibility: str = "private") -> Thread:
    return world.group(visibility).threads.get()


def test_member_starts_a_thread_in_markdown(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    url = reverse("groups:new_thread", args=[world.private_group.slug])
    response = client.post(url, {"title": "Tractage samedi", "body": "On y va **tous**."})
    thread = Thread.objects.get(title="Tractage samedi")
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    post = thread.posts.get()
    assert post.body_html == "<p>On y va <strong>tous</strong>.</p>\n"
    assert AuditEntry.objects.get(action="groups.thread.created").object_id == str(thread.pk)
    assert "<strong>tous</strong>" in client.get(thread.get_absolute_url()).content.decode()


def test_markdown_is_sanitised(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    thread = first_thread(world)
    client.post(
        reverse("groups:reply", args=[world.private_group.slug, thread.pk]),
        {"body": "<script>alert(1)</script> [x](javascript:alert(1))"},
    )
    html = Post.objects.latest("pk").body_html
    assert "<script>" not in html
    assert 'href="javascript' not in html


def test_empty_thread_form_is_422_and_keeps_the_title(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    url = reverse("groups:new_thread", args=[world.private_group.slug])
    response = client.post(url, {"title": "Mon titre", "body": ""})
    assert response.status_code == 422
    assert 'value="Mon titre"' in response.content.decode()
    assert not Thread.objects.filter(title="Mon titre").exists()


def test_reply_updates_last_activity(client: Client, world: World) -> None:
    thread = first_thread(world)
    before = thread.last_activity_at
    client.force_login(world.charlie)
    response = client.post(
        reverse("groups:reply", args=[world.private_group.slug, thread.pk]), {"body": "Présent !"}
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.last_activity_at > before
    assert AuditEntry.objects.filter(action="groups.post.created").count() == 1
    assert "Présent !" in client.get(thread.get_absolute_url()).content.decode()


def test_empty_reply_is_422(client: Client, world: World) -> None:
    thread = first_thread(world)
    client.force_login(world.charlie)
    url = reverse("groups:reply", args=[world.private_group.slug, thread.pk])
    assert client.post(url, {"body": ""}).status_code == 422
    assert thread.posts.count() == 1


def test_anonymous_reads_public_thread_but_cannot_post(client: Client, world: World) -> None:
    thread = first_thread(world, "public")
    body = client.get(thread.get_absolute_url()).content.decode()
    assert "Hello <strong>everyone</strong>" in body
    assert "Log in to take part" in body
    response = client.post(
        reverse("groups:reply", args=[world.public_group.slug, thread.pk]), {"body": "x"}
    )
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_outsider_reads_public_thread_but_cannot_post(client: Client, world: World) -> None:
    thread = first_thread(world, "public")
    client.force_login(world.eve)
    assert "Only members" in client.get(thread.get_absolute_url()).content.decode()
    url = reverse("groups:reply", args=[world.public_group.slug, thread.pk])
    assert client.post(url, {"body": "x"}).status_code == 403
    url = reverse("groups:new_thread", args=[world.public_group.slug])
    assert client.post(url, {"title": "t", "body": "x"}).status_code == 403
    assert Post.objects.filter(author=world.eve).count() == 0


def test_outsider_cannot_post_in_secret_group(client: Client, world: World) -> None:
    thread = first_thread(world, "secret")
    client.force_login(world.eve)
    assert_hides_secret(
        client.post(
            reverse("groups:reply", args=[world.secret_group.slug, thread.pk]), {"body": "x"}
        )
    )


def test_author_edits_own_post(client: Client, world: World) -> None:
    post = make_post(thread=first_thread(world), author=world.charlie)
    client.force_login(world.charlie)
    url = reverse("groups:edit_post", args=[world.private_group.slug, post.pk])
    assert "Hello **everyone**." in client.get(url).content.decode()
    assert client.post(url, {"body": "Corrigé _ici_"}).status_code == 302
    post.refresh_from_db()
    assert post.body_html == "<p>Corrigé <em>ici</em></p>\n"
    assert post.edited_at is not None
    assert AuditEntry.objects.filter(action="groups.post.edited").count() == 1


def test_nobody_edits_someone_elses_post(client: Client, world: World) -> None:
    post = first_thread(world).posts.get()  # written by Bob
    client.force_login(world.charlie)
    url = reverse("groups:edit_post", args=[world.private_group.slug, post.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "pirate"}).status_code == 403
    url = reverse("groups:delete_post", args=[world.private_group.slug, post.pk])
    assert client.post(url).status_code == 403


def test_author_deletes_own_post_softly(client: Client, world: World) -> None:
    post = make_post(
        thread=first_thread(world), author=world.charlie, body_html="<p>Secret plan</p>"
    )
    client.force_login(world.charlie)
    url = reverse("groups:delete_post", args=[world.private_group.slug, post.pk])
    assert "Do you really want to delete this message?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    post.refresh_from_db()
    assert post.deleted_at is not None
    body = client.get(post.thread.get_absolute_url()).content.decode()
    assert "Message deleted." in body
    assert "Secret plan" not in body
    assert AuditEntry.objects.filter(action="groups.post.deleted").count() == 1


def test_deleted_post_text_is_gone_from_the_database(client: Client, world: World) -> None:
    post = make_post(
        thread=first_thread(world),
        author=world.charlie,
        body="Plan **secret**",
        body_html="<p>Plan <strong>secret</strong></p>",
    )
    client.force_login(world.charlie)
    client.post(reverse("groups:delete_post", args=[world.private_group.slug, post.pk]))
    assert Post.objects.filter(pk=post.pk).values_list("body", "body_html").get() == ("", "")
    assert not Post.objects.filter(body__contains="secret").exists()
    assert not Post.objects.filter(body_html__contains="secret").exists()
    client.force_login(world.bob)
    assert "Message deleted." in client.get(post.thread.get_absolute_url()).content.decode()


def test_moderator_hides_a_post(client: Client, world: World) -> None:
    post = make_post(thread=first_thread(world), author=world.charlie, body_html="<p>Insulte</p>")
    client.force_login(world.bob)
    url = reverse("groups:hide_post", args=[world.private_group.slug, post.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    post.refresh_from_db()
    assert post.hidden_by == world.bob
    assert post.hidden_at is not None
    moderator_view = client.get(post.thread.get_absolute_url()).content.decode()
    assert "Insulte" in moderator_view and "hidden by a moderator" in moderator_view
    client.force_login(world.charlie)
    member_view = client.get(post.thread.get_absolute_url()).content.decode()
    assert "Message hidden by a moderator." in member_view
    assert "Insulte" not in member_view
    assert AuditEntry.objects.filter(action="groups.post.hidden").count() == 1


def test_plain_member_cannot_hide(client: Client, world: World) -> None:
    post = first_thread(world).posts.get()
    client.force_login(world.charlie)
    url = reverse("groups:hide_post", args=[world.private_group.slug, post.pk])
    assert client.post(url).status_code == 403
    post.refresh_from_db()
    assert post.hidden_by is None


def hidden_post(world: World, **fields: Any) -> Post:
    return make_post(
        thread=first_thread(world),
        author=world.charlie,
        body_html="<p>Insulte</p>",
        hidden_by=world.bob,
        hidden_at=timezone.now(),
        **fields,
    )


def unhide_url(world: World, post: Post, visibility: str = "private") -> str:
    return reverse("groups:unhide_post", args=[world.group(visibility).slug, post.pk])


def test_moderator_shows_a_hidden_post_again(client: Client, world: World) -> None:
    post = hidden_post(world)
    client.force_login(world.bob)
    moderator_view = client.get(post.thread.get_absolute_url()).content.decode()
    assert f'action="{unhide_url(world, post)}"' in moderator_view
    assert "Show this message again" in moderator_view
    assert client.get(unhide_url(world, post)).status_code == 405
    response = client.post(unhide_url(world, post))
    assert response.status_code == 302
    assert response["Location"] == f"{post.thread.get_absolute_url()}?page=1#post-{post.pk}"
    post.refresh_from_db()
    assert (post.hidden_at, post.hidden_by) == (None, None)
    entry = AuditEntry.objects.get(action="groups.post.unhidden")
    assert (entry.object_id, entry.data) == (str(post.pk), {"thread": post.thread_id})
    client.force_login(world.charlie)
    member_view = client.get(post.thread.get_absolute_url()).content.decode()
    assert "Insulte" in member_view
    assert "hidden by a moderator" not in member_view


def test_showing_a_visible_post_changes_nothing(client: Client, world: World) -> None:
    post = first_thread(world).posts.get()
    client.force_login(world.bob)
    response = client.post(unhide_url(world, post), follow=True)
    assert "This message is not hidden." in response.content.decode()
    assert not AuditEntry.objects.filter(action="groups.post.unhidden").exists()


def test_plain_member_cannot_show_a_hidden_post(client: Client, world: World) -> None:
    post = hidden_post(world)
    client.force_login(world.charlie)
    assert (
        "Show this message again" not in client.get(post.thread.get_absolute_url()).content.decode()
    )
    assert client.post(unhide_url(world, post)).status_code == 403
    post.refresh_from_db()
    assert post.hidden_at is not None


def test_outsiders_cannot_show_a_hidden_post(client: Client, world: World) -> None:
    client.force_login(world.eve)
    private_post = hidden_post(world)
    assert client.post(unhide_url(world, private_post)).status_code == 403
    secret_post = make_post(
        thread=first_thread(world, "secret"), hidden_by=world.bob, hidden_at=timezone.now()
    )
    assert_hides_secret(client.post(unhide_url(world, secret_post, "secret")))
    client.logout()
    assert_hides_secret(client.post(unhide_url(world, secret_post, "secret")))
    assert Post.objects.filter(hidden_at__isnull=True).count() == 3  # the world's own posts


def test_post_stays_hidden_when_the_moderator_deletes_their_account(
    client: Client, world: World
) -> None:
    moderator = factories.UserFactory.create(display_name="Modératrice")
    post = hidden_post(world)
    Post.objects.filter(pk=post.pk).update(hidden_by=moderator)
    moderator.delete()
    client.force_login(world.charlie)
    member_view = client.get(post.thread.get_absolute_url()).content.decode()
    assert "Message hidden by a moderator." in member_view
    assert "Insulte" not in member_view
    client.force_login(world.bob)
    moderator_view = client.get(post.thread.get_absolute_url()).content.decode()
    assert "hidden by a former member" in moderator_view


def test_deleted_accounts_show_as_former_member(client: Client, world: World) -> None:
    author = factories.UserFactory.create(display_name="Zoé Partie")
    thread = factories.ThreadFactory.create(
        group=world.private_group, author=author, title="Affiches"
    )
    factories.PostFactory(thread=thread, author=author, body_html="<p>Mon dernier mot</p>")
    author.delete()
    client.force_login(world.charlie)
    thread_page = client.get(thread.get_absolute_url()).content.decode()
    assert "<strong>Former member</strong>" in thread_page
    assert "Mon dernier mot" in thread_page
    threads_page = client.get(reverse("groups:threads", args=[world.private_group.slug]))
    assert "<td>Former member</td>" in threads_page.content.decode()
    assert "Zoé Partie" not in thread_page + threads_page.content.decode()


def test_former_member_is_in_french(client: Client, world: World, settings: Any) -> None:
    settings.LANGUAGE_CODE = "fr"
    thread = first_thread(world)
    thread.posts.update(author=None)
    client.force_login(world.charlie)
    assert (
        "<strong>Ancien membre</strong>" in client.get(thread.get_absolute_url()).content.decode()
    )


def test_posts_are_paginated(client: Client, world: World) -> None:
    thread = first_thread(world)
    for number in range(30):
        factories.PostFactory(
            thread=thread, author=world.charlie, body_html=f"<p>Message n°{number}</p>"
        )
    client.force_login(world.charlie)
    first = client.get(thread.get_absolute_url()).content.decode()
    assert "Message n°23" in first and "Message n°24" not in first
    second = client.get(thread.get_absolute_url(), {"page": 2}).content.decode()
    assert "Message n°24" in second


def test_threads_are_paginated(client: Client, world: World) -> None:
    for number in range(30):
        factories.ThreadFactory(group=world.public_group, title=f"Sujet {number:02d}")
    url = reverse("groups:threads", args=[world.public_group.slug])
    assert "page=2" in client.get(url).content.decode()
    assert client.get(url, {"page": 2}).status_code == 200


def test_thread_page_does_not_do_a_query_per_post(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    thread = first_thread(world)
    for _ in range(25):
        author = factories.UserFactory()
        factories.PostFactory(
            thread=thread, author=author, hidden_by=world.bob, hidden_at=timezone.now()
        )
    client.force_login(world.bob)
    # Session and login bookkeeping take ~7 queries; 25 posts must not add 25 more.
    with django_assert_max_num_queries(15):
        response = client.get(thread.get_absolute_url())
    assert response.status_code == 200


def test_thread_list_does_not_do_a_query_per_thread(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    for _ in range(25):
        factories.ThreadFactory(group=world.public_group)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("groups:threads", args=[world.public_group.slug]))
    assert response.status_code == 200
