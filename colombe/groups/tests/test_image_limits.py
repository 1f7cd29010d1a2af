"""Images that would take too much memory or time to decode are refused before decoding:
a small file can declare billions of pixels (a "decompression bomb")."""

import io
import struct
import zlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from colombe.groups import uploads
from colombe.groups.models import Document, DocumentVersion
from colombe.groups.uploads import check_upload
from tests.personas import World

pytestmark = pytest.mark.django_db
TOO_LARGE = "This image is too large: it has more than 40 million pixels."


def upload(client: Client, world: World, name: str, content: bytes) -> Any:
    client.force_login(world.charlie)
    url = reverse("groups:upload", args=[world.private_group.slug])
    return client.post(url, {"title": "", "file": SimpleUploadedFile(name, content)})


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width`` x ``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b""))
        + png_chunk(b"IEND", b"")
    )


def encoded(image: Image.Image, image_format: str, **options: Any) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def png_sized(width: int, height: int) -> bytes:
    return encoded(Image.new("1", (width, height)), "PNG")


def frame_count(file: Any) -> int:
    with Image.open(file) as image:
        return getattr(image, "n_frames", 1)


def animated_gif(frames: int) -> bytes:
    images = [Image.new("L", (2, 2), 255 * (number % 2)) for number in range(frames)]
    data = encoded(images[0], "GIF", save_all=True, append_images=images[1:])
    assert frame_count(io.BytesIO(data)) == frames  # the fixture really has them
    return data


def test_png_declaring_20000_by_20000_pixels_is_refused(client: Client, world: World) -> None:
    data = png_declaring(20_000, 20_000)
    assert len(data) < 100
    response = upload(client, world, "carte.png", data)
    assert response.status_code == 422
    assert TOO_LARGE in response.content.decode()
    assert not Document.objects.exists()


def test_real_image_above_the_limit_is_refused(client: Client, world: World) -> None:
    # 48 million 1-bit pixels compress to a few kilobytes: under Pillow's own limit, but
    # 190 MB once decoded to RGBA.
    data = png_sized(8000, 6000)
    assert len(data) < 100_000
    response = upload(client, world, "affiche.png", data)
    assert response.status_code == 422
    assert TOO_LARGE in response.content.decode()
    assert not Document.objects.exists()


def test_image_at_the_limit_is_accepted(world: World) -> None:
    checked = check_upload(SimpleUploadedFile("bande.png", png_sized(8000, 5000)))
    assert Image.open(checked.file).size == (8000, 5000)


def test_pillow_decompression_bomb_warning_refuses_the_image(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pillow warns (rather than refuses) between its limit and twice its limit: that
    warning refuses the upload too, whatever our own limit is."""
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 10**12)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("petit.png", png_sized(12, 12)))  # 144 > 100 pixels
    assert refused.value.code == "too_many_pixels"


def test_animation_with_too_many_frames_is_refused(client: Client, world: World) -> None:
    response = upload(client, world, "clignote.gif", animated_gif(101))
    assert response.status_code == 422
    assert "This animated image has too many frames (101). The limit is 100." in (
        response.content.decode()
    )
    assert not Document.objects.exists()


def test_animation_of_100_frames_is_accepted(client: Client, world: World) -> None:
    assert upload(client, world, "clignote.gif", animated_gif(100)).status_code == 302
    with DocumentVersion.objects.get().file.open("rb") as stored:
        assert frame_count(stored) == 100
