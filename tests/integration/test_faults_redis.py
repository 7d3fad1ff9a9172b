"""Redis stopped: the API keeps answering (rate limits in memory, no list cache, side effects kept in the
outbox), pages that need a session answer a clear 503, readiness says why; Redis back: no 500 either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from application.outbox import sweep_outbox
from entrypoints.http.app import create_app
from tests.integration.conftest import METRICS, SmtpInbox, add_account, build, make_settings, quick_accounts
from tests.integration.fault_rig import PrivateRedis, migrated_postgres, outbox_rows, private_redis
from tests.integration.web import signed_in

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text[:500])
    return response.json()


async def test_without_redis_the_api_answers_and_pages_say_503_then_all_is_well_when_it_returns(
    migrated_postgres: str, private_redis: PrivateRedis, smtp: SmtpInbox, tmp_path: Path
) -> None:
    # Under 128 a minute the request limit leases one request at a time: every request asks Redis (or falls back).
    settings = make_settings(migrated_postgres, tmp_path, redis_url=private_redis.url, rate_limit_per_minute=120)
    settings = msgspec.structs.replace(settings, email_host=smtp.host, email_port=smtp.port)
    async with build(settings) as container, AsyncTestClient(app=create_app(container)) as client:
        [admin], [member] = [await quick_accounts(container, role, 1) for role in ("admin", "member")]
        web = await add_account(container, client, "member", "web@example.com")
        person = await signed_in(client, web.user.email)
        slugs = [
            ok(await client.post("/api/tasks/", json={"name": f"Job {n}"}, headers=admin.headers), 201)["slug"]
            for n in range(2)
        ]
        assert len(ok(await client.get("/api/tasks/", headers=member.headers))["items"]) == 2  # now cached

        private_redis.stop()
        assert len(ok(await client.get("/api/tasks/", headers=member.headers))["items"]) == 2
        claim = ok(await client.post(f"/api/tasks/{slugs[0]}/claim/", headers=member.headers), 201)
        path = f"/api/assignments/{claim['id']}/"
        ok(await client.post(path + "submit/", json={"note": "done"}, headers=member.headers))
        assert ok(await client.post(path + "approve/", headers=admin.headers))["status"] == "approved"
        # Read from the database, not the cached list: the claimed task is full, and gone from the board.
        board = ok(await client.get("/api/tasks/", headers=member.headers))["items"]
        assert [t["slug"] for t in board] == [slugs[1]]
        ready = await client.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["reasons"]["redis"].startswith("ConnectionError")
        page = await person.get("/tasks/")
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert "briefly unavailable" in page.text
        [approval] = [r for r in await outbox_rows(container) if r.payload["template"] == "approved"]
        assert (approval.dispatched_at, approval.done_at) == (None, None)  # kept until Redis is back
        metrics = (await client.get("/metrics", headers=METRICS)).text
        assert 'taskreward_redis_fallbacks_total{component="rate_limit"}' in metrics
        assert "taskreward_redis_up 0.0" in metrics

        private_redis.start()  # empty: what it held is gone
        board = ok(await client.get("/api/tasks/", headers=member.headers))["items"]
        assert [t["slug"] for t in board] == [slugs[1]]
        ok(await client.post(f"/api/tasks/{slugs[1]}/claim/", headers=member.headers), 201)
        ok(await client.get("/health/ready"))
        gone = await person.get("/tasks/")
        assert (gone.status_code, gone.headers["location"]) == (303, "/signin/?next=/tasks/")
        assert await sweep_outbox(container.uow, container.queue, _later(container)) >= 1
        [approval] = [r for r in await outbox_rows(container) if r.payload["template"] == "approved"]
        assert approval.dispatched_at is not None


def _later(container: Any) -> Any:
    from datetime import timedelta

    from tests.fakes.services import FakeClock

    return FakeClock(container.clock.now() + timedelta(minutes=1))
