"""The unread badge over server-sent events: the count at once, then each change, and never past the session."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.testing import AsyncTestClient

from application import sessions
from application.inbox import LiveBadge
from domain.notifications import Notification, NotificationKind
from entrypoints.bootstrap import Container
from entrypoints.http.pages.notifications import LIVE_BADGE
from tests.integration.web import Person, signed_in

Client = AsyncTestClient[Any]


def counts(stream: str) -> list[int]:
    return [int(n) for n in re.findall(r"event: unread\r\ndata: (\d+)\r\n", stream)]


def scripted(client: Client, *steps: Callable[[], Awaitable[Any]]) -> None:
    """Between two checks of the stream, the next step runs instead of waiting (no sleeping in tests)."""
    pending = list(steps)

    async def wait(_: float) -> None:
        if pending:
            await pending.pop(0)()

    client.app.state[LIVE_BADGE] = LiveBadge(interval=0, checks=len(steps) + 1, wait=wait)


async def test_the_badge_stream_sends_the_count_then_each_change(
    client: Client, accounts: Any, container: Container
) -> None:
    member = await accounts("member", "nina@live.test")
    person = await signed_in(client, member.user.email)

    async def notify() -> None:
        async with container.uow() as work:
            note = Notification(
                member.user.id, NotificationKind.ASSIGNED, "A task for you", "/tasks/", container.clock.now()
            )
            await work.notifications.add(note)
            await work.commit()

    async def nothing() -> None:
        return None

    scripted(client, nothing, notify, nothing, notify)
    response = await person.get("/notifications/live/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    assert counts(response.text) == [0, 1, 2]  # sent at once, then only when it changed
    assert "retry: 2000" in response.text


async def test_the_stream_ends_with_the_session_and_needs_one(
    client: Client, accounts: Any, container: Container
) -> None:
    member = await accounts("member", "omar@live.test")
    person = await signed_in(client, member.user.email)

    async def sign_out_everywhere() -> None:  # as the API's logout does: every session of the account ends
        await sessions.logout(member.refresh, container.identity, everywhere=True)

    async def never() -> None:
        raise AssertionError("the stream went on after the session ended")

    scripted(client, sign_out_everywhere, never)
    response = await person.get("/notifications/live/")
    assert counts(response.text) == [0]  # then it stopped: the session had ended
    visitor = await Person(client).get("/notifications/live/")
    assert visitor.status_code in (302, 303)
    assert visitor.headers["location"].startswith("/signin/")


async def test_pages_load_the_live_script_for_signed_in_people_only(client: Client, accounts: Any) -> None:
    member = await accounts("member", "lena@live.test")
    person = await signed_in(client, member.user.email)
    assert '<script src="/static/live.js" defer></script>' in (await person.get("/")).text
    assert "/static/live.js" not in (await Person(client).get("/signin/")).text
    script = await person.get("/static/live.js")
    assert script.status_code == 200
    assert 'new EventSource("/notifications/live/")' in script.text
