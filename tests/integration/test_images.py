"""Task images end to end: checked by content, size and pixel count, re-encoded upright without metadata.

Every image is built in memory with Pillow; uploads go through `PUT /api/tasks/{slug}/image/` and the
stored files are read back both through the `/media` router and straight from MEDIA_ROOT.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from PIL import ExifTags, Image

from adapters.media.images import MAX_SIDE, PillowImageProcessor
from domain.errors import ImageTooLarge
from domain.tasks import MAX_IMAGE_BYTES as MAX_BYTES
from domain.tasks import MAX_IMAGE_PIXELS as MAX_PIXELS
from entrypoints.bootstrap import Container

GPS_SECRET = b"WHEREABOUTS-SECRET-52N4E"
CAMERA_SECRET = "SecretCam-Model-X"
COMMENT_SECRET = "COMMENT-SECRET-do-not-keep"
WIDTH, HEIGHT = 400, 200  # landscape as stored in the file; orientation 6 makes it portrait
THUMBNAIL_BOX = 320
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RED = (220, 20, 20)
BLUE = (20, 20, 220)


# --- building images --------------------------------------------------------------------------


def tagged_exif() -> Image.Exif:
    """Orientation 6 (rotate 90 degrees clockwise to view), a camera make and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = CAMERA_SECRET
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 22.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (4.0, 53.0, 0.0),
        ExifTags.GPS.GPSProcessingMethod: GPS_SECRET,
    }
    return exif


def two_tone(width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    """Left half red, right half blue: after a clockwise quarter turn red is on top, blue below."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image


def encode(image: Image.Image, kind: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return out.getvalue()


def photo(kind: str) -> bytes:
    """A photo as a phone writes it: sideways pixels, an orientation tag, GPS and camera EXIF."""
    options: dict[str, Any] = {"exif": tagged_exif()}
    if kind == "PNG":
        from PIL.PngImagePlugin import PngInfo

        text = PngInfo()
        text.add_text("Comment", COMMENT_SECRET)
        options["pnginfo"] = text
    data = encode(two_tone(), kind, **options)
    reopened = Image.open(io.BytesIO(data))
    exif = reopened.getexif()
    assert exif.get(ExifTags.Base.Orientation) == 6, "the fixture itself must carry the orientation tag"
    assert exif.get_ifd(ExifTags.IFD.GPSInfo), "the fixture itself must carry GPS data"
    assert GPS_SECRET in data
    return data


def bilevel_png(width: int, height: int) -> bytes:
    """Mode "1" compresses to almost nothing: a few kB on disk, width x height pixels once decoded."""
    return encode(Image.new("1", (width, height)), "PNG", optimize=True)


def decompression_bomb() -> bytes:
    return bilevel_png(10_000, 10_000)  # 100 MP: inside Pillow's warning band (89.5 MP .. 179 MP)


def just_over_the_limit() -> bytes:
    return bilevel_png(7_500, 6_000)  # 45 MP: over our cap, under even Pillow's warning threshold


CAP_WIDTH = 6_000  # the cap as a 6000-pixel-wide image, one row over it, and a wide photo twice MAX_SIDE


def at_the_cap() -> bytes:
    assert MAX_PIXELS % CAP_WIDTH == 0
    return bilevel_png(CAP_WIDTH, MAX_PIXELS // CAP_WIDTH)


def one_row_over_the_cap() -> bytes:
    return bilevel_png(CAP_WIDTH, MAX_PIXELS // CAP_WIDTH + 1)


def beyond_pillows_error_threshold() -> bytes:
    return bilevel_png(15_000, 15_000)  # 225 MP: Pillow raises DecompressionBombError itself


def gif_bytes() -> bytes:
    return encode(two_tone(40, 20).convert("P"), "GIF")


def truncated_jpeg() -> bytes:
    noisy = Image.frombytes("RGB", (256, 256), os.urandom(256 * 256 * 3))
    data = encode(noisy, "JPEG", quality=95)
    return data[: len(data) // 2]


def oversized(size: int) -> Callable[[], bytes]:
    def build() -> bytes:
        head = encode(two_tone(16, 16), "JPEG")
        return head + os.urandom(size - len(head))

    return build


# --- helpers ----------------------------------------------------------------------------------


def media_files(container: Container) -> set[Path]:
    root = container.settings.media_root
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def media_path(container: Container, url: str) -> Path:
    assert url.startswith("/media/"), url
    return container.settings.media_root / url.removeprefix("/media/")


async def upload(
    client: AsyncTestClient[Any],
    slug: str,
    data: bytes,
    headers: dict[str, str],
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> Any:
    return await client.put(
        f"/api/tasks/{slug}/image/", files={"image": (filename, data, content_type)}, headers=headers
    )


@dataclass
class Board:
    admin: Any
    slug: str


@pytest.fixture
async def board(client: AsyncTestClient[Any], accounts: Any) -> Board:
    admin = await accounts("admin")
    created = await client.post(
        "/api/tasks/", json={"name": "Photograph the office", "points": 5}, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["image_url"] is None
    assert created.json()["thumbnail_url"] is None
    return Board(admin, created.json()["slug"])


async def task_json(client: AsyncTestClient[Any], board: Board) -> dict[str, Any]:
    response = await client.get(f"/api/tasks/{board.slug}/", headers=board.admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_clean(data: bytes, kind: str) -> Image.Image:
    """Decodes as `kind`, with no EXIF at all (so no GPS IFD and no orientation), no text chunks."""
    image = Image.open(io.BytesIO(data))
    assert image.format == kind
    exif = image.getexif()
    assert ExifTags.Base.Orientation not in exif
    assert ExifTags.IFD.GPSInfo not in exif
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert len(exif) == 0, dict(exif)
    assert "exif" not in image.info
    assert GPS_SECRET not in data
    assert CAMERA_SECRET.encode() not in data
    assert COMMENT_SECRET.encode() not in data
    assert b"Exif\x00\x00" not in data
    return image


def assert_mostly(pixel: Any, colour: tuple[int, int, int]) -> None:
    rgb = pixel[:3]
    assert all(abs(a - b) <= 40 for a, b in zip(rgb, colour, strict=True)), (rgb, colour)


# --- accepted uploads -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
async def test_an_upload_is_stored_upright_without_metadata_with_a_thumbnail(
    client: AsyncTestClient[Any], container: Container, board: Board, kind: str
) -> None:
    data = photo(kind)
    response = await upload(
        client, board.slug, data, board.admin.headers, f"photo.{EXTENSIONS[kind]}", CONTENT_TYPES[kind]
    )
    assert response.status_code == 200, response.text
    body = response.json()
    image_url, thumbnail_url = body["image_url"], body["thumbnail_url"]
    assert image_url.startswith("/media/")
    assert thumbnail_url.startswith("/media/")
    assert image_url != thumbnail_url
    assert image_url.endswith(f".{EXTENSIONS[kind]}")
    assert thumbnail_url.endswith(f".{EXTENSIONS[kind]}")
    assert (await task_json(client, board))["image_url"] == image_url

    stored = {}
    for url in (image_url, thumbnail_url):
        served = await client.get(url)
        assert served.status_code == 200, (url, served.text)
        assert served.headers["content-type"].startswith(CONTENT_TYPES[kind])
        assert served.content == media_path(container, url).read_bytes()
        stored[url] = served.content
    assert media_files(container) == {
        media_path(container, url).relative_to(container.settings.media_root) for url in stored
    }

    image = assert_clean(stored[image_url], kind)
    assert image.size == (HEIGHT, WIDTH), "orientation 6 is applied: width and height swap"
    rgb = image.convert("RGB")
    assert_mostly(rgb.getpixel((HEIGHT // 2, WIDTH // 4)), RED)  # what was the left is now the top
    assert_mostly(rgb.getpixel((HEIGHT // 2, 3 * WIDTH // 4)), BLUE)

    thumbnail = assert_clean(stored[thumbnail_url], kind)
    assert thumbnail.width <= THUMBNAIL_BOX
    assert thumbnail.height <= THUMBNAIL_BOX
    assert thumbnail.size == (160, 320), "a thumbnail keeps the upright aspect ratio"
    thumb_rgb = thumbnail.convert("RGB")
    assert_mostly(thumb_rgb.getpixel((80, 60)), RED)
    assert_mostly(thumb_rgb.getpixel((80, 260)), BLUE)


async def test_a_small_image_keeps_its_size_and_the_thumbnail_never_grows(
    client: AsyncTestClient[Any], board: Board
) -> None:
    response = await upload(client, board.slug, encode(two_tone(100, 60), "PNG"), board.admin.headers, "s.png")
    assert response.status_code == 200, response.text
    image = Image.open(io.BytesIO((await client.get(response.json()["image_url"])).content))
    thumbnail = Image.open(io.BytesIO((await client.get(response.json()["thumbnail_url"])).content))
    assert image.size == (100, 60)
    assert thumbnail.size == (100, 60)


async def test_replacing_an_image_removes_the_old_files(
    client: AsyncTestClient[Any], container: Container, board: Board
) -> None:
    first = await upload(client, board.slug, photo("JPEG"), board.admin.headers)
    assert first.status_code == 200, first.text
    old_urls = [first.json()["image_url"], first.json()["thumbnail_url"]]
    assert all(media_path(container, url).is_file() for url in old_urls)

    second = await upload(client, board.slug, photo("PNG"), board.admin.headers, "again.png", "image/png")
    assert second.status_code == 200, second.text
    new_urls = [second.json()["image_url"], second.json()["thumbnail_url"]]
    assert set(new_urls).isdisjoint(old_urls)
    assert (await task_json(client, board))["image_url"] == new_urls[0]

    for url in old_urls:
        assert not media_path(container, url).exists()
        assert (await client.get(url)).status_code == 404
    for url in new_urls:
        assert (await client.get(url)).status_code == 200
    root = container.settings.media_root
    assert media_files(container) == {media_path(container, url).relative_to(root) for url in new_urls}


async def test_an_image_at_the_pixel_cap_is_stored_scaled_down_with_a_thumbnail(
    client: AsyncTestClient[Any], board: Board
) -> None:
    response = await upload(client, board.slug, at_the_cap(), board.admin.headers, "cap.png", "image/png")
    assert response.status_code == 200, response.text
    image = Image.open(io.BytesIO((await client.get(response.json()["image_url"])).content))
    thumbnail = Image.open(io.BytesIO((await client.get(response.json()["thumbnail_url"])).content))
    height = MAX_SIDE * (MAX_PIXELS // CAP_WIDTH) // CAP_WIDTH
    assert image.size == (MAX_SIDE, height), "the long side is scaled down to MAX_SIDE, keeping the aspect ratio"
    assert thumbnail.size == (THUMBNAIL_BOX, THUMBNAIL_BOX * height // MAX_SIDE)


async def test_a_large_photo_is_stored_upright_scaled_down_and_without_metadata(
    client: AsyncTestClient[Any], board: Board
) -> None:
    """A JPEG is decoded at a reduced scale straight away; the result is the same upright picture."""
    data = encode(two_tone(2 * MAX_SIDE, MAX_SIDE), "JPEG", exif=tagged_exif(), quality=90)
    response = await upload(client, board.slug, data, board.admin.headers)
    assert response.status_code == 200, response.text
    image = assert_clean((await client.get(response.json()["image_url"])).content, "JPEG")
    assert image.size == (MAX_SIDE // 2, MAX_SIDE), "scaled to fit MAX_SIDE, then turned upright"
    assert_mostly(image.getpixel((MAX_SIDE // 4, MAX_SIDE // 4)), RED)
    assert_mostly(image.getpixel((MAX_SIDE // 4, 3 * MAX_SIDE // 4)), BLUE)
    thumbnail = assert_clean((await client.get(response.json()["thumbnail_url"])).content, "JPEG")
    assert thumbnail.size == (THUMBNAIL_BOX // 2, THUMBNAIL_BOX)


async def test_an_image_over_the_pixel_cap_is_refused_with_a_message_that_names_the_cap(
    client: AsyncTestClient[Any], board: Board
) -> None:
    response = await upload(client, board.slug, one_row_over_the_cap(), board.admin.headers, "big.png", "image/png")
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["code"] == "image_too_large"
    assert f"{MAX_PIXELS // 1_000_000} megapixels" in body["detail"]
    assert f"{MAX_BYTES // (1024 * 1024)} MB" in body["detail"]


# --- refused uploads --------------------------------------------------------------------------

REFUSED: dict[str, tuple[Callable[[], bytes], str, str, int]] = {
    # name: (content, filename, content type, status)
    "decompression-bomb-100mp": (decompression_bomb, "bomb.png", "image/png", 413),
    "45mp": (just_over_the_limit, "big.png", "image/png", 413),
    # The image: a 131 KB 6300x6300 PNG once took 110 MB and 5 s to decode; now refused from its header.
    "6300x6300": (lambda: bilevel_png(6_300, 6_300), "big.png", "image/png", 413),
    "one-row-over-the-pixel-cap": (one_row_over_the_cap, "big.png", "image/png", 413),
    "over-pillows-hard-limit": (beyond_pillows_error_threshold, "huge.png", "image/png", 413),
    "gif-renamed-png": (gif_bytes, "image.png", "image/png", 415),
    "truncated-jpeg": (truncated_jpeg, "cut.jpg", "image/jpeg", 415),
    "six-megabytes": (oversized(6 * 1024 * 1024), "large.jpg", "image/jpeg", 413),
    "one-byte-over-5mb": (oversized(MAX_BYTES + 1), "large.jpg", "image/jpeg", 413),
    "text-file": (lambda: b"just some text, not an image\n" * 20, "notes.txt", "text/plain", 415),
    "text-named-jpeg": (lambda: b"just some text, not an image\n" * 20, "photo.jpg", "image/jpeg", 415),
    "empty-file": (lambda: b"", "photo.jpg", "image/jpeg", 415),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_a_refused_upload_stores_nothing(
    client: AsyncTestClient[Any], container: Container, board: Board, case: str
) -> None:
    build, filename, content_type, status = REFUSED[case]
    before = media_files(container)
    response = await upload(client, board.slug, build(), board.admin.headers, filename, content_type)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == status
    assert media_files(container) == before
    task = await task_json(client, board)
    assert task["image_url"] is None
    assert task["thumbnail_url"] is None


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"image": "aGVsbG8="}', "application/json"),
        (b"", "application/json"),
        ("raw-jpeg", "image/jpeg"),
        (b"image=hello", "application/x-www-form-urlencoded"),
    ],
    ids=["json", "empty-json", "raw-jpeg-body", "urlencoded-form"],
)
async def test_a_request_that_is_not_multipart_is_refused(
    client: AsyncTestClient[Any], container: Container, board: Board, body: bytes | str, content_type: str
) -> None:
    content = encode(two_tone(), "JPEG") if body == "raw-jpeg" else body
    assert isinstance(content, bytes)
    before = media_files(container)
    response = await client.put(
        f"/api/tasks/{board.slug}/image/",
        content=content,
        headers={**board.admin.headers, "Content-Type": content_type},
    )
    assert response.status_code == 415, response.text
    assert response.json()["code"] == "unsupported_image"
    assert media_files(container) == before
    assert (await task_json(client, board))["image_url"] is None


async def test_a_multipart_upload_under_another_field_name_is_refused(
    client: AsyncTestClient[Any], container: Container, board: Board
) -> None:
    before = media_files(container)
    response = await client.put(
        f"/api/tasks/{board.slug}/image/",
        files={"picture": ("photo.jpg", photo("JPEG"), "image/jpeg")},
        headers=board.admin.headers,
    )
    # The document says the form has an `image` field: without it the body is invalid.
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "validation_failed"
    assert media_files(container) == before
    assert (await task_json(client, board))["image_url"] is None


async def test_a_refused_upload_keeps_the_current_image(
    client: AsyncTestClient[Any], container: Container, board: Board
) -> None:
    first = await upload(client, board.slug, photo("JPEG"), board.admin.headers)
    assert first.status_code == 200, first.text
    before = media_files(container)
    refused = await upload(client, board.slug, truncated_jpeg(), board.admin.headers)
    assert refused.status_code == 415, refused.text
    assert media_files(container) == before
    task = await task_json(client, board)
    assert task["image_url"] == first.json()["image_url"]
    assert task["thumbnail_url"] == first.json()["thumbnail_url"]
    assert (await client.get(task["image_url"])).status_code == 200


async def test_a_member_may_not_upload(
    client: AsyncTestClient[Any], container: Container, board: Board, accounts: Any
) -> None:
    member = await accounts("member")
    assert (await client.get(f"/api/tasks/{board.slug}/", headers=member.headers)).status_code == 200
    before = media_files(container)
    response = await upload(client, board.slug, photo("JPEG"), member.headers)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "permission_denied"
    assert media_files(container) == before
    assert (await task_json(client, board))["image_url"] is None


async def test_uploading_needs_a_signed_in_user_and_a_live_task(
    client: AsyncTestClient[Any], container: Container, board: Board
) -> None:
    before = media_files(container)
    anonymous = await client.put(
        f"/api/tasks/{board.slug}/image/", files={"image": ("photo.jpg", photo("JPEG"), "image/jpeg")}
    )
    assert anonymous.status_code == 401, anonymous.text
    missing = await upload(client, "no-such-task", photo("JPEG"), board.admin.headers)
    assert missing.status_code == 404, missing.text
    assert media_files(container) == before


# --- the adapter alone ------------------------------------------------------------------------


async def test_pillows_decompression_bomb_warning_is_a_refusal_on_its_own() -> None:
    """With our own pixel cap out of the way, only the warning-as-error stands between us and 100 MP."""
    lenient = PillowImageProcessor(max_pixels=10 * MAX_PIXELS)
    with pytest.raises(ImageTooLarge):
        await lenient.process(decompression_bomb())


async def test_the_pixel_cap_refuses_what_pillow_would_let_through() -> None:
    assert Image.MAX_IMAGE_PIXELS > 7_500 * 6_000, "45 MP must be below Pillow's own warning threshold"
    with pytest.raises(ImageTooLarge):
        await PillowImageProcessor().process(just_over_the_limit())
