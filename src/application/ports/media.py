"""Uploaded images: checked and re-encoded, then stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ProcessedImage:
    image: bytes
    thumbnail: bytes
    extension: str


class ImageProcessor(Protocol):
    async def process(self, data: bytes) -> ProcessedImage:
        """Decodes, checks and re-encodes an upload; raises `ImageTooLarge` or `UnsupportedImage`."""
        ...


class MediaStorage(Protocol):
    async def save(self, folder: str, extension: str, data: bytes) -> str:
        """Stores the bytes under a new random name and returns its path relative to the media root."""
        ...

    async def delete(self, path: str) -> None: ...
