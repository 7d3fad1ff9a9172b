"""Fakes of the media ports: an image processor that takes anything, and storage in a dictionary."""

from __future__ import annotations

import secrets

from application.ports.media import ProcessedImage


class FakeImages:
    async def process(self, data: bytes) -> ProcessedImage:
        return ProcessedImage(image=data, thumbnail=data[:16], extension="png")


class FakeMedia:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def save(self, folder: str, extension: str, data: bytes) -> str:
        path = f"{folder}/{secrets.token_hex(8)}.{extension}"
        self.files[path] = data
        return path

    async def delete(self, path: str) -> None:
        self.files.pop(path, None)
