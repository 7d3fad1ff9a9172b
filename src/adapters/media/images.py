"""Pillow-based image checks: the bytes must decode as JPEG, PNG or WebP within size and pixel limits."""

from __future__ import annotations

import asyncio
import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from application.ports.media import ProcessedImage
from domain.errors import ImageTooLarge, UnsupportedImage
from domain.tasks import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS

THUMBNAIL_SIZE = (320, 320)
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class PillowImageProcessor:
    def __init__(self, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS) -> None:
        self._max_bytes = max_bytes
        self._max_pixels = max_pixels

    async def process(self, data: bytes) -> ProcessedImage:
        if len(data) > self._max_bytes:
            raise ImageTooLarge()
        return await asyncio.to_thread(self._process, data)

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
                    image.load()
                    upright = ImageOps.exif_transpose(image)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise ImageTooLarge() from exc
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
                raise UnsupportedImage() from exc
        if kind not in FORMATS:
            raise UnsupportedImage()
        thumbnail = upright.copy()
        thumbnail.thumbnail(THUMBNAIL_SIZE)
        return ProcessedImage(image=_encode(upright, kind), thumbnail=_encode(thumbnail, kind), extension=FORMATS[kind])


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
