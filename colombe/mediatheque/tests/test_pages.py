"""An archive item's page, filing one (a link or a real clip), editing it (subtitles,
people appearing), deleting it, and the press room."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.mediatheque import services
from colombe.mediatheque.clips import make_video_clip
from colombe.mediatheque.models import Appearance, MediaItem, Outlet, Subtitle
from colombe.mediatheque.tests.media_helpers import pdf_upload
from colombe.mediatheque.tests.page_helpers import (
    VTT,
    item_form_data,
    make_item,
    make_outlet,
    make_ready_video,
    make_theme,
    page_of,
)
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

Visibility = MediaItem.Visibility


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def status_of(client: Client, user: Any, url: str) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


# Who sees an item --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        # anonymous, Eve (member of nothing), Charlie (Lyon, every group), Alice (admin)
        (Visibility.PUBLIC, (200, 200, 200, 200)),
        (Visibility.MEMBERS, (404, 404, 200, 200)),
    ],
)
def test_item_page_by_audience(
    client: Client, world: World, visibility: str, expected: tuple[int, ...]
) -> None:
    item = make_item(world.bob, visibility=visibility)
    people = (None, world.eve, world.charlie, world.alice)
    assert tuple(status_of(client, person, item.get_absolute_url()) for person in people) == (
        expected
    )


def test_secret_group_item_exists_only_for_its_members(client: Client, world: World) -> None:
    item = make_item(
        world.bob, title="Archive du cercle", visibility=Visibility.GROUP, group=world.secret_group
    )
    urls = [
        item.get_absolute_url(),
        reverse("mediatheque:edit", args=[item.slug]),
        reverse("mediatheque:delete", args=[item.slug]),
    ]
    # The national administrator is not a member: the group's items do not exist for her.
    for person in (None, world.eve, world.alice):
        for url in urls:
            assert status_of(client, person, url) == 404
    assert status_of(client, world.charlie, item.get_absolute_url()) == 200
    client.force_login(world.charlie)
    page = page_of(client, item.get_absolute_url())
    assert SECRET_GROUP_NAME in page


def test_private_group_item_is_for_the_group_members(client: Client, world: World) -> None:
    item = make_item(world.bob, visibility=Visibility.GROUP, group=world.private_group)
    factories.MembershipFactory.create(user=world.eve, structure=world.national)
    # A member of the movement who is not in the group does not see it.
    assert status_of(client, world.eve, item.get_absolute_url()) == 404
    assert status_of(client, world.charlie, item.get_absolute_url()) == 200


# What an item's page shows -----------------------------------------------------------------


def test_video_page_plays_with_subtitles_and_poster(
    client: Client, world: World, english_pages: None
) -> None:
    item = make_ready_video(world.bob, description="Le **journal** régional.")
    subtitle = Subtitle(item=item, language="fr", label="Français")
    subtitle.file.save("fr.vtt", SimpleUploadedFile("fr.vtt", VTT), save=True)
    page = page_of(client, item.get_absolute_url())
    rendition = reverse("mediatheque:file", args=[item.slug, "rendition"])
    poster = reverse("mediatheque:poster", args=[item.slug])
    assert f'<video class="media-player" controls preload="metadata" poster="{poster}">' in page
    assert f'<source src="{rendition}" type="video/mp4">' in page
    track = reverse("mediatheque:subtitle", args=[item.slug, subtitle.pk])
    assert f'<track kind="subtitles" srclang="fr" label="Français" src="{track}">' in page
    assert "<strong>journal</strong>" in page
    assert "2:05" in page


def test_audio_page_uses_an_audio_player(client: Client, world: World) -> None:
    item = make_ready_video(world.bob)
    item.kind = MediaItem.Kind.AUDIO
    item.rendition_content_type = "audio/mpeg"
    item.save()
    page = page_of(client, item.get_absolute_url())
    assert '<audio class="media-player" controls preload="metadata">' in page
    assert "<video" not in page


def test_page_shows_facts_and_links_to_filters(
    client: Client, world: World, english_pages: None
) -> None:
    outlet = make_outlet("France Bleu Isère")
    theme = make_theme("Écoles de la paix")
    item = make_item(
        world.bob,
        outlet=outlet,
        territory=world.lyon.territory,
        rights="Radio France",
        hashtags=("désarmement",),
        themes=(theme,),
    )
    item.structures.set([world.lyon])
    Appearance.objects.create(item=item, name="Bob Martin", consent_given_on=timezone.localdate())
    page = page_of(client, item.get_absolute_url())
    index = reverse("mediatheque:index")
    assert f'href="{index}?outlet={outlet.slug}">France Bleu Isère</a>' in page
    assert f'href="{index}?theme={theme.slug}">Écoles de la paix</a>' in page
    assert f'href="{index}?territory=rhone">Rhône</a>' in page
    assert "#désarmement</a>" in page
    assert "Comité de Lyon" in page and "Bob Martin" in page and "Radio France" in page


def test_share_card_shows_the_poster_of_a_public_item(client: Client, world: World) -> None:
    item = make_ready_video(world.bob, title="Reportage France 3", description="Une *marche*.")
    page = page_of(client, item.get_absolute_url())
    poster = reverse("mediatheque:poster", args=[item.slug])
    assert '<meta property="og:title" content="Reportage France 3">' in page
    assert '<meta property="og:description" content="Une marche.">' in page
    assert f'<meta property="og:image" content="http://testserver{poster}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_share_card_of_a_members_item_has_no_image(client: Client, world: World) -> None:
    item = make_ready_video(world.bob, visibility=Visibility.MEMBERS)
    client.force_login(world.charlie)
    page = page_of(client, item.get_absolute_url())
    assert 'property="og:title"' in page
    assert 'property="og:image"' not in page


def test_processing_shows_progress_to_its_editors_only(
    client: Client, world: World, english_pages: None
) -> None:
    item = make_item(
        world.bob,
        kind=MediaItem.Kind.VIDEO,
        processing=MediaItem.Processing.RUNNING,
        processing_progress=42,
    )
    client.force_login(world.bob)
    page = page_of(client, item.get_absolute_url())
    progress_url = reverse("mediatheque:progress", args=[item.slug])
    assert f'data-progress-url="{progress_url}"' in page
    assert 'max="100" value="42"' in page and "data-progress-status" in page
    assert "/static/mediatheque/progress.js" in page
    client.force_login(world.charlie)
    page = page_of(client, item.get_absolute_url())
    assert "data-progress-url" not in page
    assert "being prepared for playing" in page


def test_failed_conversion_tells_editors_why_and_keeps_the_original(
    client: Client, world: World, english_pages: None
) -> None:
    item = make_item(
        world.bob,
        kind=MediaItem.Kind.VIDEO,
        processing=MediaItem.Processing.FAILED,
        processing_error="The file could not be decoded.",
    )
    item.original.save("broken.mp4", SimpleUploadedFile("broken.mp4", b"x"), save=True)
    original = reverse("mediatheque:file", args=[item.slug, "original"])
    client.force_login(world.bob)
    page = page_of(client, item.get_absolute_url())
    assert "The file could not be decoded." in page
    assert f'href="{original}" download' in page
    client.force_login(world.charlie)
    page = page_of(client, item.get_absolute_url())
    assert "could not be decoded" not in page and original not in page
    assert "cannot be played for now" in page


def test_a_videos_page_offers_its_original_to_its_editors_only(
    client: Client, world: World
) -> None:
    item = make_ready_video(world.bob)
    original = reverse("mediatheque:file", args=[item.slug, "original"])
    rendition = reverse("mediatheque:file", args=[item.slug, "rendition"])
    client.force_login(world.charlie)
    page = page_of(client, item.get_absolute_url())
    assert original not in page and f'href="{rendition}" download' in page
    client.force_login(world.bob)
    assert f'href="{original}" download' in page_of(client, item.get_absolute_url())


def test_scanned_article_is_shown_inline(client: Client, world: World) -> None:
    item = make_item(world.bob, kind=MediaItem.Kind.ARTICLE, original_content_type="image/jpeg")
    item.original.save("scan.jpg", SimpleUploadedFile("scan.jpg", b"jpeg"), save=True)
    page = page_of(client, item.get_absolute_url())
    original = reverse("mediatheque:file", args=[item.slug, "original"])
    assert f'<img class="media-scan" src="{original}" alt="' in page


# Filing ----------------------------------------------------------------------------------


def test_add_page_needs_a_member(client: Client, world: World) -> None:
    add = reverse("mediatheque:add")
    response = client.get(add)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert status_of(client, world.eve, add) == 403
    assert status_of(client, world.charlie, add) == 200


def test_file_a_link_with_a_new_outlet(client: Client, world: World) -> None:
    theme = make_theme()
    client.force_login(world.charlie)
    data = item_form_data(
        external_url="https://www.dailymotion.com/video/x8abc12",
        new_outlet_name="France Bleu Isère",
        new_outlet_kind=Outlet.Kind.RADIO,
        themes=[theme.pk],
        structures=[world.lyon.pk],
        territory=world.lyon.territory.pk,
        hashtags="#paix #Désarmement",
    )
    response = client.post(reverse("mediatheque:add"), data)
    item = MediaItem.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.kind == MediaItem.Kind.LINK
    assert item.processing == MediaItem.Processing.NONE
    assert item.outlet is not None and item.outlet.name == "France Bleu Isère"
    assert item.outlet.kind == Outlet.Kind.RADIO
    assert sorted(item.hashtags.values_list("name", flat=True)) == ["désarmement", "paix"]
    assert list(item.themes.all()) == [theme] and list(item.structures.all()) == [world.lyon]
    assert "le <strong>désarmement</strong>.</p>" in item.description_html
    assert item.created_by == world.charlie
    assert AuditEntry.objects.filter(action="mediatheque.item.created").count() == 1


def test_an_outlet_typed_again_is_not_duplicated(client: Client, world: World) -> None:
    outlet = make_outlet("Le Progrès", Outlet.Kind.PRESS)
    make_item(world.bob, outlet=outlet)
    client.force_login(world.charlie)
    data = item_form_data(
        external_url="https://www.leprogres.fr/a.html",
        new_outlet_name="le  progrès",
        new_outlet_kind=Outlet.Kind.PRESS,
    )
    assert client.post(reverse("mediatheque:add"), data).status_code == 302
    assert Outlet.objects.count() == 1
    assert MediaItem.objects.latest("pk").outlet == outlet


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # neither a file nor a link
        {"external_url": "https://youtu.be/dQw4w9WgXcQ", "file": "both"},
        {"external_url": "https://youtu.be/dQw4w9WgXcQ", "visibility": Visibility.GROUP},
        {
            "external_url": "https://youtu.be/dQw4w9WgXcQ",
            "published_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
        },
        {"external_url": "https://youtu.be/dQw4w9WgXcQ", "new_outlet_name": "Sans genre"},
    ],
)
def test_incomplete_forms_are_refused(
    client: Client, world: World, overrides: dict[str, Any]
) -> None:
    if overrides.get("file") == "both":
        overrides["file"] = pdf_upload("scan.pdf")
    client.force_login(world.charlie)
    response = client.post(reverse("mediatheque:add"), item_form_data(**overrides))
    assert response.status_code == 422
    assert b'class="error-summary"' in response.content
    assert not MediaItem.objects.exists()


def test_only_groups_one_belongs_to_are_offered(client: Client, world: World) -> None:
    other = factories.GroupFactory.create(owner=world.lyon, name="Groupe des autres", slug="autres")
    client.force_login(world.charlie)
    page = page_of(client, reverse("mediatheque:add"))
    assert SECRET_GROUP_NAME in page and "Groupe des autres" not in page
    data = item_form_data(
        external_url="https://youtu.be/dQw4w9WgXcQ", visibility=Visibility.GROUP, group=other.pk
    )
    assert client.post(reverse("mediatheque:add"), data).status_code == 422
    data["group"] = world.secret_group.pk
    assert client.post(reverse("mediatheque:add"), data).status_code == 302
    item = MediaItem.objects.get()
    assert item.visibility == Visibility.GROUP and item.group == world.secret_group


def test_filing_refuses_a_group_one_is_not_in_and_an_item_without_source(world: World) -> None:
    other = factories.GroupFactory.create(owner=world.lyon, name="Groupe des autres", slug="autres")
    fields = {
        "title": "Reportage",
        "published_on": timezone.localdate(),
        "visibility": Visibility.GROUP,
        "group": other,
        "external_url": "https://youtu.be/dQw4w9WgXcQ",
    }
    with pytest.raises(services.ArchiveError):
        services.create_item(world.charlie, services.ItemChanges(fields=fields))
    fields.update(visibility=Visibility.PUBLIC, group=None, external_url="")
    with pytest.raises(services.ArchiveError):
        services.create_item(world.charlie, services.ItemChanges(fields=fields))
    assert not MediaItem.objects.exists() and not AuditEntry.objects.exists()


def test_uploads_are_limited_per_person_and_day(
    client: Client, world: World, english_pages: None
) -> None:
    """Each upload is probed, and a video converted: one account cannot fill the queue
    and the disk. Links cost nothing and are not counted."""
    client.force_login(world.charlie)
    add = reverse("mediatheque:add")
    for number in range(services.UPLOADS_PER_DAY):
        pdf = pdf_upload(f"article-{number}.pdf")
        assert client.post(add, item_form_data(file=pdf)).status_code == 302, number
    pdf = pdf_upload("one-more.pdf")
    refused = client.post(add, item_form_data(file=pdf))
    assert refused.status_code == 429
    assert "You have uploaded many files today" in refused.content.decode()
    assert MediaItem.objects.count() == services.UPLOADS_PER_DAY
    link = item_form_data(external_url="https://youtu.be/dQw4w9WgXcQ")
    assert client.post(add, link).status_code == 302
    client.force_login(world.bob)
    pdf = pdf_upload("bobs.pdf")
    assert client.post(add, item_form_data(file=pdf)).status_code == 302


def test_a_renamed_text_file_is_refused(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    fake = SimpleUploadedFile("journal.mp4", b"Ceci n'est pas une video.\n" * 50)
    response = client.post(reverse("mediatheque:add"), item_form_data(file=fake))
    assert response.status_code == 422
    assert not MediaItem.objects.exists()


def test_a_pdf_is_filed_as_an_article(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    pdf = pdf_upload("article.pdf")
    response = client.post(reverse("mediatheque:add"), item_form_data(file=pdf))
    assert response.status_code == 302
    item = MediaItem.objects.get()
    assert item.kind == MediaItem.Kind.ARTICLE
    assert item.original_content_type == "application/pdf"
    assert item.original_name == "article.pdf" and item.original.name.endswith(".pdf")
    assert item.processing == MediaItem.Processing.NONE


@pytest.mark.slow
def test_uploaded_clip_is_converted_and_plays(
    client: Client,
    world: World,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clip = make_video_clip(tmp_path / "reportage.mov", seconds=2)
    client.force_login(world.charlie)
    with clip.open("rb") as handle:
        upload = SimpleUploadedFile("reportage.mov", handle.read())
    # The conversion is queued at commit; the test backend runs it there and then.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mediatheque:add"), item_form_data(file=upload))
    assert response.status_code == 302
    item = MediaItem.objects.get()
    assert item.kind == MediaItem.Kind.VIDEO
    assert item.processing == MediaItem.Processing.READY, item.processing_error
    assert item.rendition and item.poster and item.duration_seconds == 2
    page = page_of(client, item.get_absolute_url())
    assert "<video" in page and reverse("mediatheque:poster", args=[item.slug]) in page


# Editing ---------------------------------------------------------------------------------


def test_only_the_author_and_administrators_edit(client: Client, world: World) -> None:
    item = make_item(world.charlie, visibility=Visibility.MEMBERS)
    edit = reverse("mediatheque:edit", args=[item.slug])
    assert status_of(client, world.bob, edit) == 403
    assert status_of(client, world.charlie, edit) == 200
    assert status_of(client, world.alice, edit) == 200
    client.logout()
    assert client.get(edit).status_code == 404  # anonymous: not even told it exists


def test_edit_changes_the_item(client: Client, world: World) -> None:
    item = make_item(world.charlie, hashtags=("paix",))
    client.force_login(world.charlie)
    edit = reverse("mediatheque:edit", args=[item.slug])
    assert 'value="#paix"' in page_of(client, edit)
    data = item_form_data(
        title="Nouveau titre",
        external_url="https://youtu.be/dQw4w9WgXcQ",
        visibility=Visibility.MEMBERS,
        hashtags="#jeunesse",
    )
    response = client.post(edit, data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Nouveau titre" and item.visibility == Visibility.MEMBERS
    assert list(item.hashtags.values_list("name", flat=True)) == ["jeunesse"]
    assert item.external_url == "https://youtu.be/dQw4w9WgXcQ"


def test_someone_removed_from_the_group_cannot_open_an_item_they_filed_in_it(
    client: Client, world: World
) -> None:
    """Otherwise they would make the group's item public on their way out."""
    item = make_item(world.charlie, visibility=Visibility.GROUP, group=world.secret_group)
    world.secret_group.memberships.filter(user=world.charlie).delete()
    client.force_login(world.charlie)
    edit = reverse("mediatheque:edit", args=[item.slug])
    data = item_form_data(external_url=item.external_url, visibility=Visibility.PUBLIC)
    assert client.post(edit, data).status_code == 404
    changes = services.ItemChanges(fields={"visibility": Visibility.PUBLIC, "group": None})
    with pytest.raises(Http404):
        services.update_item(world.charlie, item, changes)
    item.refresh_from_db()
    assert item.visibility == Visibility.GROUP and item.group == world.secret_group


def test_moving_an_item_to_a_group_one_is_not_in_is_refused(world: World) -> None:
    """The edit form changes the item before the service sees it: the service compares
    with the group the item has in the database."""
    other = factories.GroupFactory.create(owner=world.lyon, name="Groupe des autres", slug="autres")
    item = make_item(world.charlie, visibility=Visibility.MEMBERS)
    item.visibility, item.group = Visibility.GROUP, other  # as the bound form leaves it
    changes = services.ItemChanges(fields={"visibility": Visibility.GROUP, "group": other})
    with pytest.raises(services.ArchiveError):
        services.update_item(world.charlie, item, changes)
    item.refresh_from_db()
    assert item.visibility == Visibility.MEMBERS and item.group is None


def test_subtitles_are_added_converted_and_removed(
    client: Client, world: World, english_pages: None
) -> None:
    item = make_ready_video(world.charlie)
    client.force_login(world.charlie)
    srt = b"1\n00:00:00,000 --> 00:00:01,500\nBonjour.\n"
    response = client.post(
        reverse("mediatheque:add_subtitle", args=[item.slug]),
        {"language": "fr", "label": "Français", "file": SimpleUploadedFile("fr.srt", srt)},
    )
    assert response.status_code == 302
    subtitle = Subtitle.objects.get(item=item)
    assert subtitle.file.read().startswith(b"WEBVTT")
    assert 'srclang="fr" label="Français"' in page_of(client, item.get_absolute_url())
    response = client.post(reverse("mediatheque:remove_subtitle", args=[item.slug, subtitle.pk]))
    assert response.status_code == 302 and not Subtitle.objects.exists()


def test_a_subtitle_file_that_is_not_one_is_refused(client: Client, world: World) -> None:
    item = make_ready_video(world.charlie)
    client.force_login(world.charlie)
    response = client.post(
        reverse("mediatheque:add_subtitle", args=[item.slug]),
        {"language": "fr", "label": "Français", "file": SimpleUploadedFile("fr.vtt", b"\x00\x01")},
    )
    assert response.status_code == 422 and not Subtitle.objects.exists()


def test_people_appearing_with_their_consent(client: Client, world: World) -> None:
    item = make_item(world.charlie)
    client.force_login(world.charlie)
    add = reverse("mediatheque:add_appearance", args=[item.slug])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.post(add, {"name": "Dana", "consent_given_on": tomorrow}).status_code == 422
    today = timezone.localdate().isoformat()
    assert client.post(add, {"name": "Dana", "consent_given_on": today}).status_code == 302
    appearance = Appearance.objects.get(item=item)
    assert "Dana" in page_of(client, item.get_absolute_url())
    # The audit log keeps that someone was named, not who.
    entry = AuditEntry.objects.get(action="mediatheque.appearance.added")
    assert "Dana" not in str(entry.data)
    remove = reverse("mediatheque:remove_appearance", args=[item.slug, appearance.pk])
    assert client.post(remove).status_code == 302 and not Appearance.objects.exists()


def test_others_cannot_add_people_or_subtitles(client: Client, world: World) -> None:
    item = make_item(world.charlie)
    client.force_login(world.bob)
    today = timezone.localdate().isoformat()
    add = reverse("mediatheque:add_appearance", args=[item.slug])
    assert client.post(add, {"name": "X", "consent_given_on": today}).status_code == 403
    assert not Appearance.objects.exists()


# Deleting --------------------------------------------------------------------------------


def test_delete_asks_then_removes_the_item_and_its_files(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    item = make_ready_video(world.charlie)
    files = [Path(item.original.path), Path(item.rendition.path), Path(item.poster.path)]
    client.force_login(world.charlie)
    delete = reverse("mediatheque:delete", args=[item.slug])
    page = page_of(client, delete)
    assert 'method="post"' in page and MediaItem.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete)
    assert response.status_code == 302 and response["Location"] == reverse("mediatheque:index")
    assert not MediaItem.objects.exists()
    assert not any(path.exists() for path in files)
    assert AuditEntry.objects.filter(action="mediatheque.item.deleted").count() == 1


def test_others_cannot_delete(client: Client, world: World) -> None:
    item = make_item(world.charlie)
    client.force_login(world.bob)
    assert client.post(reverse("mediatheque:delete", args=[item.slug])).status_code == 403
    assert MediaItem.objects.exists()


# The press room and the navigation ---------------------------------------------------------


def test_press_room_lists_public_items_only(
    client: Client, world: World, settings: Any, english_pages: None
) -> None:
    settings.MEDIATHEQUE_PRESS_CONTACT = "Presse <presse@example.org>"
    public = make_ready_video(world.bob, title="Reportage public")
    make_item(world.bob, title="Archive des membres", visibility=Visibility.MEMBERS)
    client.force_login(world.alice)
    page = page_of(client, reverse("mediatheque:press"))
    assert "Reportage public" in page and "Archive des membres" not in page
    assert reverse("mediatheque:poster", args=[public.slug]) in page
    # A video's original still holds where and with what it was shot: journalists get
    # the rendition, which lost that in the conversion.
    assert reverse("mediatheque:file", args=[public.slug, "rendition"]) in page
    assert reverse("mediatheque:file", args=[public.slug, "original"]) not in page
    assert 'href="mailto:presse@example.org"' in page
    client.logout()
    assert "Reportage public" in page_of(client, reverse("mediatheque:press"))


def test_navigation_links_to_the_archive(client: Client, world: World) -> None:
    page = page_of(client, reverse("core:home"))
    assert f'href="{reverse("mediatheque:index")}"' in page
