"""Pillow-based image checks: the bytes must decode as JPEG, PNG or WebP within size and pixel limits."""

from __future__ import annotations

import asyncio
import ctypes
import io
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PIL import Image, ImageOps, UnidentifiedImageError

from application.ports.media import ProcessedImage
from domain.errors import ImageTooLarge, UnsupportedImage
from domain.tasks import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS

MAX_SIDE = 2048  # larger images are stored scaled down to fit this square
THUMBNAIL_SIZE = (320, 320)
DECODERS = 1  # images decoded at once in a process: its image memory stays under DECODERS x 8 x MAX_PIXELS
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


# Measured (8 uploads of 24 MP): untrimmed, glibc kept 340 MB of freed pixel buffers in its arenas; a trim after
# each image gives them back as fully as a worker process per image would, without a process start and a copy.
_TRIM = _malloc_trim()


class PillowImageProcessor:
    def __init__(
        self,
        *,
        max_bytes: int = MAX_IMAGE_BYTES,
        max_pixels: int = MAX_IMAGE_PIXELS,
        max_side: int = MAX_SIDE,
        decoders: int = DECODERS,
    ) -> None:
        self._max_bytes = max_bytes
        self._max_pixels = max_pixels
        self._max_side = max_side
        self._pool = ThreadPoolExecutor(decoders, thread_name_prefix="image")

    async def process(self, data: bytes) -> ProcessedImage:
        if len(data) > self._max_bytes:
            raise ImageTooLarge()
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._process_and_release, data)

    def _process_and_release(self, data: bytes) -> ProcessedImage:
        try:
            return self._process(data)
        finally:
            if _TRIM is not None:
                _TRIM(0)

    def _process(self, data: bytes) -> ProcessedImage:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its pixel limit: a warning is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                with Image.open(io.BytesIO(data), formats=list(FORMATS)) as probe:
                    kind = probe.format
                    if probe.width * probe.height > self._max_pixels:
                        raise ImageTooLarge()
                    probe.verify()
                with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                    self._reduce_on_load(image)
                    image.load()
                    image.thumbnail((self._max_side, self._max_side))
                    upright = ImageOps.exif_transpose(image)  # a copy, so the file's buffers close with it
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise ImageTooLarge() from exc
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
                raise UnsupportedImage() from exc
        if kind not in FORMATS:
            raise UnsupportedImage()
        thumbnail = upright.copy()
        thumbnail.thumbnail(THUMBNAIL_SIZE)
        return ProcessedImage(image=_encode(upright, kind), thumbnail=_encode(thumbnail, kind), extension=FORMATS[kind])

    def _reduce_on_load(self, image: Image.Image) -> None:
        """JPEG can decode at 1/2, 1/4 or 1/8 scale: ask for the smallest that still covers the stored size."""
        scale = max(image.width, image.height) / self._max_side
        if scale > 1:
            image.draft(None, (max(1, int(image.width / scale)), max(1, int(image.height / scale))))


def _encode(image: Image.Image, kind: str) -> bytes:
    """Writes fresh pixels only: no EXIF, no GPS, no comments."""
    if kind == "JPEG":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    options: dict[str, dict[str, int]] = {"JPEG": {"quality": 85, "optimize": 1}, "WEBP": {"quality": 85}}
    clean.save(out, format=kind, **options.get(kind, {}))
    return out.getvalue()
