"""Concurrent uploads of the largest image the API accepts, with the server's resident memory sampled throughout."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from dataclasses import dataclass

import httpx
from PIL import Image

from benchmarks.machine import reset_peak_rss, rss_mb, tree_rss_mb
from benchmarks.services import Server
from domain.tasks import MAX_IMAGE_BYTES as MAX_BYTES
from domain.tasks import MAX_IMAGE_PIXELS as MAX_PIXELS

WIDTH = 6000


@dataclass(frozen=True)
class UploadResult:
    uploads: int
    image: str
    seconds: float
    baseline_mb: float
    peak_mb: float
    after_mb: float
    statuses: dict[int, int]


def largest_accepted_png() -> tuple[bytes, str]:
    """RGBA at exactly the pixel cap, the costliest kind to decode; two flat halves keep the file small."""
    height = MAX_PIXELS // WIDTH
    image = Image.new("RGBA", (WIDTH, height), (20, 20, 220, 255))
    image.paste((220, 20, 20, 255), (0, 0, WIDTH // 2, height))
    out = io.BytesIO()
    image.save(out, format="PNG")
    data = out.getvalue()
    assert len(data) <= MAX_BYTES
    return data, f"{WIDTH}x{height} RGBA PNG, {len(data) // 1024} KB"


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, tree_rss_mb([self.pid]))
            time.sleep(0.02)


def upload_concurrently(server: Server, token: str, slugs: list[str], settle: float = 3.0) -> UploadResult:
    data, label = largest_accepted_png()
    time.sleep(settle)
    baseline = tree_rss_mb([server.pid])
    reset_peak_rss([server.pid])
    sampler = Sampler(server.pid)
    sampler.start()
    try:
        started = time.perf_counter()
        statuses = asyncio.run(_upload_all(server.base, token, slugs, data))
        elapsed = time.perf_counter() - started
        time.sleep(settle)  # what the process keeps once the uploads are over
        after = tree_rss_mb([server.pid])
    finally:
        sampler.stopped.set()
        sampler.join()
    peak = max(sampler.peak, rss_mb(server.pid, "VmHWM"))
    return UploadResult(len(slugs), label, elapsed, baseline, peak, after, statuses)


async def _upload_all(base: str, token: str, slugs: list[str], data: bytes) -> dict[int, int]:
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:

        async def upload(slug: str) -> int:
            files = {"image": ("largest.png", data, "image/png")}
            response = await client.put(
                f"/api/tasks/{slug}/image/", files=files, headers={"Authorization": f"Bearer {token}"}
            )
            return response.status_code

        codes = await asyncio.gather(*(upload(s) for s in slugs))
    return {code: codes.count(code) for code in set(codes)}
