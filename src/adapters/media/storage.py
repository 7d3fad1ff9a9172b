"""Media files on the local disk under MEDIA_ROOT, named at random so paths cannot be guessed."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path


class LocalMediaStorage:
    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    async def save(self, folder: str, extension: str, data: bytes) -> str:
        relative = f"{folder.strip('/')}/{secrets.token_urlsafe(16)}.{extension}"
        await asyncio.to_thread(self._write, self._resolve(relative), data)
        return relative

    async def delete(self, path: str) -> None:
        await asyncio.to_thread(self._resolve(path).unlink, missing_ok=True)

    def _resolve(self, relative: str) -> Path:
        target = (self._root / relative).resolve()
        if not target.is_relative_to(self._root):
            raise ValueError("media path escapes the media root")
        return target

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(target.suffix + ".part")
        temporary.write_bytes(data)
        temporary.replace(target)
