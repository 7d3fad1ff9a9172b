"""A real uvicorn server on a free port, for tests where requests must truly run at the same time.

Litestar's AsyncTestClient drives the app through a blocking portal, one request at a time, so races
are only real over a socket.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from litestar import Litestar


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serve(app: Litestar, *, port: int | None = None, connections: int = 200) -> AsyncIterator[httpx.AsyncClient]:
    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            backlog=2048,
            timeout_graceful_shutdown=1,  # a live stream a browser still holds does not keep the server up
        )
    )
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(15):
        while not server.started:
            await asyncio.sleep(0.01)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60) as client:
            yield client
    finally:
        server.should_exit = True
        await task
