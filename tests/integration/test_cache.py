"""The list cache never shows a list older than the last write that returned, to anyone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from adapters.cache import MemoryListCache, RedisListCache
from adapters.jobs.inline import InlineJobQueue
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from tests.integration.conftest import add_account, build, make_settings


@pytest.fixture(params=["redis", "memory"])
async def cached(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Container, AsyncTestClient[Any]]]:
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    settings = make_settings(database_url, tmp_path, redis_url=redis_url)
    container = build(settings, queue=InlineJobQueue({}))
    assert isinstance(container.cache, RedisListCache if redis_url else MemoryListCache)
    async with AsyncTestClient(app=create_app(container)) as client:
        yield container, client


async def slugs(client: AsyncTestClient[Any], path: str, headers: dict[str, str]) -> list[str]:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["items"]]


async def test_task_board_reflects_every_write_at_once(cached: tuple[Container, AsyncTestClient[Any]]) -> None:
    container, client = cached
    admin = await add_account(container, client, "admin", "admin@cache.test")
    ada = await add_account(container, client, "member", "ada@cache.test")
    bob = await add_account(container, client, "member", "bob@cache.test")

    assert await slugs(client, "/api/tasks/", ada.headers) == []
    assert await slugs(client, "/api/tasks/", ada.headers) == []
    assert container.cache.stats.hits >= 1  # type: ignore[attr-defined]

    created = await client.post("/api/tasks/", json={"name": "Cached task", "points": 2}, headers=admin.headers)
    slug = created.json()["slug"]
    assert await slugs(client, "/api/tasks/", ada.headers) == [slug]
    assert await slugs(client, "/api/tasks/", bob.headers) == [slug]

    claim = await client.post(f"/api/tasks/{slug}/claim/", headers=ada.headers)
    assert claim.status_code == 201
    assert await slugs(client, "/api/tasks/", bob.headers) == []
    assert await slugs(client, "/api/tasks/", ada.headers) == []

    released = await client.post(f"/api/assignments/{claim.json()['id']}/release/", headers=ada.headers)
    assert released.status_code == 200
    assert await slugs(client, "/api/tasks/", bob.headers) == [slug]

    renamed = await client.patch(f"/api/tasks/{slug}/", json={"name": "Renamed task"}, headers=admin.headers)
    assert renamed.status_code == 200
    board = await client.get("/api/tasks/", headers=bob.headers)
    assert [t["name"] for t in board.json()["items"]] == ["Renamed task"]

    closed = await client.patch(f"/api/tasks/{slug}/", json={"is_open": False}, headers=admin.headers)
    assert closed.status_code == 200
    assert await slugs(client, "/api/tasks/", bob.headers) == []

    await client.patch(f"/api/tasks/{slug}/", json={"is_open": True}, headers=admin.headers)
    assert await slugs(client, "/api/tasks/", bob.headers) == [slug]
    assert (await client.delete(f"/api/tasks/{slug}/", headers=admin.headers)).status_code == 204
    assert await slugs(client, "/api/tasks/", bob.headers) == []


async def test_project_lists_reflect_every_write_at_once(cached: tuple[Container, AsyncTestClient[Any]]) -> None:
    container, client = cached
    manager = await add_account(container, client, "manager", "maya@cache.test")
    member = await add_account(container, client, "member", "omar@cache.test")

    assert await slugs(client, "/api/projects/", manager.headers) == []
    project = await client.post("/api/projects/", json={"name": "Cached project"}, headers=manager.headers)
    slug = project.json()["slug"]
    assert await slugs(client, "/api/projects/", manager.headers) == [slug]
    assert await slugs(client, "/api/projects/", member.headers) == []

    async with container.uow() as work:
        from domain.access import ProjectRole
        from domain.projects import Membership

        stored = await work.projects.get_by_slug(slug)
        assert stored is not None
        await work.memberships.add(Membership(stored.id, member.user.id, ProjectRole.MEMBER, container.clock.now()))
        await work.commit()
    assert await slugs(client, "/api/projects/", member.headers) == [slug]

    path = f"/api/projects/{slug}/tasks/"
    assert await slugs(client, path, member.headers) == []
    task = await client.post(path, json={"name": "Project task"}, headers=manager.headers)
    assert task.status_code == 201
    assert await slugs(client, path, member.headers) == [task.json()["slug"]]
    assert await slugs(client, "/api/tasks/", member.headers) == [task.json()["slug"]]

    removed = await client.delete(f"/api/projects/{slug}/members/{member.user.id}/", headers=manager.headers)
    assert removed.status_code == 204
    assert await slugs(client, "/api/projects/", member.headers) == []
    assert await slugs(client, "/api/tasks/", member.headers) == []

    assert (await client.delete(f"/api/projects/{slug}/", headers=manager.headers)).status_code == 204
    assert await slugs(client, "/api/projects/", manager.headers) == []
