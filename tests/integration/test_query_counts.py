"""The hot lists: a flat number of SQL statements whatever the page size, and keyset pages that add up.

Statements are counted with a `before_cursor_execute` listener on the app's own engine around single
requests. Transaction control (BEGIN, COMMIT, SAVEPOINT...) is left out of the budget: psycopg opens
transactions without a statement of its own, while the SQLite adapter sends `BEGIN IMMEDIATE` through
the cursor, so only the statements that do work are comparable across the two databases.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar.testing import AsyncTestClient
from sqlalchemy import event

from domain.assignments import Assignment, AssignmentStatus, Origin
from domain.ledger import adjustment, wallet_of
from domain.notifications import Notification, NotificationKind
from domain.tasks import Task
from domain.users import Role, User
from entrypoints.bootstrap import Container

ROWS = 35  # more than a default page, fewer than the large page size counted
STATEMENT_BUDGET = 4  # a claim's, authentication included
APPROVAL_BUDGET = 10
LIST_STATEMENTS = 1  # a list page once its reader is signed in: the page, and nothing else
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|END)\b", re.IGNORECASE)


# --- counting ---------------------------------------------------------------------------------


BEGUN = "BEGIN -- a transaction began"  # marks where each transaction starts in the log


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)
    begins: int = 0  # transactions begun
    checkouts: int = 0  # connections taken from the pool

    @property
    def work(self) -> list[str]:
        return [s for s in self.statements if not TRANSACTION_CONTROL.match(s)]

    def transactions(self) -> list[list[str]]:
        """The work statements of each transaction, in order."""
        found: list[list[str]] = []
        for statement in self.statements:
            if statement == BEGUN:
                found.append([])
            elif found and not TRANSACTION_CONTROL.match(statement):
                found[-1].append(statement)
        return found


@contextmanager
def counting(container: Container) -> Iterator[StatementLog]:
    log = StatementLog()

    def before_cursor_execute(*args: Any) -> None:
        log.statements.append(args[2])

    def begin(*_: Any) -> None:
        log.begins += 1
        log.statements.append(BEGUN)

    def checkout(*_: Any) -> None:
        log.checkouts += 1

    engine = container.engine.sync_engine
    # PostgreSQL's reads have an engine of their own, in autocommit: statements and checkouts, never a BEGIN.
    reads = container.read_engine.sync_engine if container.read_engine not in (None, container.engine) else None
    listened = [(engine, "before_cursor_execute", before_cursor_execute), (engine, "begin", begin)]
    listened += [(engine.pool, "checkout", checkout)]
    if reads is not None:
        listened += [(reads, "before_cursor_execute", before_cursor_execute), (reads.pool, "checkout", checkout)]
    for target, name, listener in listened:
        event.listen(target, name, listener)
    try:
        yield log
    finally:
        for target, name, listener in listened:
            event.remove(target, name, listener)


# --- seeding ----------------------------------------------------------------------------------


@dataclass
class Seeded:
    admin: Any
    member: Any
    board: list[str]  # slugs of the tasks the member may claim, oldest first
    assignments: list[UUID]  # the member's assignments, oldest first
    review_order: list[UUID]  # the same assignments by submission time, oldest first
    entries: list[UUID]  # the member's ledger entries, oldest first
    notifications: list[UUID]  # the member's notifications, oldest first
    users: list[UUID]  # every account, oldest first


def review_permutation(count: int) -> list[int]:
    """Submission order differs from creation order both ways, so neither id order can pass for it."""
    step = next(s for s in (11, 13, 17, 19) if count % s)
    order = [(i * step) % count for i in range(count)]
    assert sorted(order) == list(range(count))
    return order


async def seed(container: Container, accounts: Any, rows: int = ROWS) -> Seeded:
    """Rows written straight through the repositories, in one transaction per kind: cheap and fast."""
    admin = await accounts("admin")
    member = await accounts("member")
    clock = container.clock
    uow = container.uow

    async with uow() as work:
        board: list[str] = []
        for i in range(rows):
            task = Task(
                slug=f"board-task-{i:03d}",
                name=f"Board task {i:03d}",
                created_by=admin.user.id,
                created_at=clock.now(),
                points=i + 1,
                claim_limit=2,
            )
            await work.tasks.add(task)
            board.append(task.slug)

        assigned: list[Assignment] = []
        base = clock.now()
        for i in range(rows):
            task = Task(
                slug=f"done-task-{i:03d}",
                name=f"Done task {i:03d}",
                created_by=admin.user.id,
                created_at=clock.now(),
                points=1,
                slots_taken=1,
            )
            await work.tasks.add(task)
            assignment = Assignment(
                task.id, member.user.id, Origin.ASSIGNED, claimed_at=base, assigned_by=admin.user.id
            )
            await work.assignments.add(assignment)
            assigned.append(assignment)
        review_order: list[UUID] = []
        for n, index in enumerate(review_permutation(rows)):
            assignment = assigned[index]
            assignment.status = AssignmentStatus.SUBMITTED
            assignment.note = "done"
            assignment.submitted_at = base + timedelta(seconds=n + 1)
            await work.assignments.update(assignment)
            review_order.append(assignment.id)

        wallet = await work.ledger.account(wallet_of(member.user.id), for_update=True)
        entries: list[UUID] = []
        for i in range(rows):
            transfer = adjustment(wallet, i + 1, f"Bonus {i}", admin.user.id, clock.now())
            await work.ledger.post(transfer)
            entries.append(transfer.id)

        notifications: list[UUID] = []
        for i in range(rows):
            note = Notification(member.user.id, NotificationKind.ASSIGNED, f"Note {i}", f"/tasks/{i}/", clock.now())
            await work.notifications.add(note)
            notifications.append(note.id)

        users = [admin.user.id, member.user.id]
        for i in range(rows):
            user = User(
                email=f"seeded{i:03d}@example.com",
                full_name=f"Seeded {i:03d}",
                role=Role.MEMBER,
                password_hash="!unusable",
                created_at=clock.now(),
            )
            await work.users.add(user)
            users.append(user.id)
        await work.commit()

    return Seeded(admin, member, board, [a.id for a in assigned], review_order, entries, notifications, users)


@dataclass(frozen=True)
class Listing:
    path: str
    who: str  # "admin" or "member"
    key: str  # the JSON field that identifies an item
    expected: str  # the Seeded attribute holding the keys oldest first
    newest_first: bool = True
    query: tuple[tuple[str, str], ...] = ()

    def rows(self, seeded: Seeded) -> list[str]:
        keys = [str(k) for k in getattr(seeded, self.expected)]
        return keys[::-1] if self.newest_first else keys


LISTINGS = {
    "tasks": Listing("/api/tasks/", "member", "slug", "board"),
    "tasks-q": Listing("/api/tasks/", "member", "slug", "board", query=(("q", "BOARD task"),)),
    "assignments": Listing("/api/assignments/", "member", "id", "assignments"),
    "assignments-status": Listing("/api/assignments/", "member", "id", "assignments", query=(("status", "submitted"),)),
    "review": Listing("/api/assignments/review/", "admin", "id", "review_order", newest_first=False),
    "transactions": Listing("/api/wallet/transactions/", "member", "id", "entries"),
    "notifications": Listing("/api/notifications/", "member", "id", "notifications"),
    "notifications-unread": Listing(
        "/api/notifications/", "member", "id", "notifications", query=(("unread", "true"),)
    ),
    "users": Listing("/api/admin/users/", "admin", "id", "users"),
}
PAGINATED = [
    "/api/tasks/",
    "/api/assignments/",
    "/api/assignments/review/",
    "/api/wallet/transactions/",
    "/api/notifications/",
    "/api/admin/users/",
]


def headers_for(seeded: Seeded, who: str) -> dict[str, str]:
    headers: dict[str, str] = getattr(seeded, who).headers
    return headers


async def counted_get(
    client: AsyncTestClient[Any], container: Container, path: str, params: dict[str, Any], headers: dict[str, str]
) -> tuple[Any, StatementLog]:
    with counting(container) as log:
        response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, (path, params, response.text)
    return response, log


# --- statement counts -------------------------------------------------------------------------


async def test_list_statements_do_not_grow_with_the_page_size(
    client: AsyncTestClient[Any], container: Container, accounts: Any
) -> None:
    seeded = await seed(container, accounts)
    for who in ("admin", "member"):  # each user's first request reads them once; later ones read no user
        assert (await client.get("/api/auth/me/", headers=headers_for(seeded, who))).status_code == 200
    report: dict[str, dict[str, int]] = {}
    for name, listing in LISTINGS.items():
        headers = headers_for(seeded, listing.who)
        expected = listing.rows(seeded)
        assert len(expected) >= 30
        counts: dict[str, int] = {}
        small, small_log = await counted_get(
            client, container, listing.path, {**dict(listing.query), "limit": 5}, headers
        )
        large, large_log = await counted_get(
            client, container, listing.path, {**dict(listing.query), "limit": 50}, headers
        )
        assert len(small.json()["items"]) == 5, name
        assert len(large.json()["items"]) == len(expected), name
        cursor = small.json()["next_cursor"]
        assert cursor, name
        params = {**dict(listing.query), "limit": 5, "cursor": cursor}
        following, following_log = await counted_get(client, container, listing.path, params, headers)
        assert [i[listing.key] for i in following.json()["items"]] == expected[5:10], name
        for label, log in (("limit=5", small_log), ("limit=50", large_log), ("limit=5+cursor", following_log)):
            # The listener sees this app's statements: at least the page itself. Authentication reads nothing:
            # the signed-in user is kept in the process.
            assert len(log.work) >= 1, (name, label, log.statements)
            counts[label] = len(log.work)
        report[name] = counts

    for name, counts in report.items():
        assert counts["limit=5"] == counts["limit=50"] == counts["limit=5+cursor"], (name, report)
        assert counts["limit=50"] == LIST_STATEMENTS, (name, report)


async def test_the_unread_count_is_one_statement(
    client: AsyncTestClient[Any], container: Container, accounts: Any
) -> None:
    seeded = await seed(container, accounts)
    assert (await client.get("/api/auth/me/", headers=seeded.member.headers)).status_code == 200
    with counting(container) as log:
        response = await client.get("/api/notifications/unread-count/", headers=seeded.member.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"count": ROWS}
    assert len(log.work) == 1, log.statements
    if container.read_engine is not container.engine:  # PostgreSQL: a lone read costs no BEGIN/ROLLBACK
        assert log.begins == 0, log.statements


async def test_a_single_object_read_is_one_statement(
    client: AsyncTestClient[Any], container: Container, accounts: Any
) -> None:
    admin, manager, member = await accounts("admin"), await accounts("manager"), await accounts("member")
    project = (await client.post("/api/projects/", json={"name": "Counted"}, headers=manager.headers)).json()["slug"]
    task = (await client.post("/api/tasks/", json={"name": "Counted", "points": 3}, headers=admin.headers)).json()
    for who in (manager, member):
        assert (await client.get("/api/auth/me/", headers=who.headers)).status_code == 200  # signed in once
    reads = [
        (manager, f"/api/projects/{project}/", 200),
        (manager, f"/api/projects/{project}/edit/", 200),
        (member, f"/api/projects/{project}/", 404),  # not a member: the same one read finds no role
        (member, f"/api/tasks/{task['slug']}/", 200),
    ]
    for who, path, status in reads:
        with counting(container) as log:
            response = await client.get(path, headers=who.headers)
        assert response.status_code == status, (path, response.text)
        # The object and the reader's role in its project come in one SELECT.
        assert len(log.work) == 1, (path, log.statements)


# --- writes answer from their own transaction -----------------------------------------------


async def test_a_claim_is_one_transaction_of_four_statements(
    client: AsyncTestClient[Any], container: Container, accounts: Any
) -> None:
    admin, member = await accounts("admin"), await accounts("member")
    created = await client.post("/api/tasks/", json={"name": "Counted", "points": 3}, headers=admin.headers)
    assert (await client.get("/api/auth/me/", headers=member.headers)).status_code == 200  # signed in once
    with counting(container) as log:
        claimed = await client.post(f"/api/tasks/{created.json()['slug']}/claim/", headers=member.headers)
    assert claimed.status_code == 201, claimed.text
    assert claimed.json()["task"] == created.json()["slug"]
    # Authentication reads nothing; the claim: the task, one check of the member's claims, the conditional
    # UPDATE and the INSERT, in one transaction.
    assert (log.begins, log.checkouts, len(log.work)) == (1, 1, STATEMENT_BUDGET), log.statements
    assert re.match(r"\s*UPDATE tasks SET slots_taken=\(tasks.slots_taken \+", log.work[2]), log.work[2]


async def test_an_approval_does_not_read_its_answer_again(
    client: AsyncTestClient[Any], container: Container, accounts: Any
) -> None:
    admin, member = await accounts("admin"), await accounts("member")
    created = await client.post("/api/tasks/", json={"name": "Approved", "points": 3}, headers=admin.headers)
    claimed = await client.post(f"/api/tasks/{created.json()['slug']}/claim/", headers=member.headers)
    submitted = await client.post(f"/api/assignments/{claimed.json()['id']}/submit/", headers=member.headers)
    assert submitted.status_code == 200, submitted.text
    with counting(container) as log:
        approved = await client.post(f"/api/assignments/{claimed.json()['id']}/approve/", headers=admin.headers)
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["task"]) == ("approved", created.json()["slug"])
    # The approval is the first transaction (the email job comes after its commit; the outbox row is written
    # handed over, so the relay needs no transaction): the task and assignment locked with their member read
    # along, both updates, the escrow, the reward, the review, the notification, the outbox row and the audit
    # entry, in at most ten statements (nine).
    approval = log.transactions()[0]
    assert not any(re.match(r"\s*SELECT users\.", s) for s in approval), approval
    assert not any(s.lstrip().startswith("UPDATE outbox") for s in log.work), log.statements
    assert any(s.lstrip().startswith("UPDATE assignments") for s in approval), log.statements
    assert any("INSERT INTO ledger_transfers" in s for s in approval), log.statements
    assert any(s.lstrip().startswith("INSERT INTO audit_log") for s in approval), log.statements
    if container.engine.dialect.name == "postgresql":  # SQLite has no data-modifying CTEs: a transfer is three
        assert len(approval) <= APPROVAL_BUDGET, approval
    written = next(n for n, s in enumerate(log.work) if s.lstrip().startswith("UPDATE assignments"))
    after = [s for s in log.work[written:] if re.search(r"\bFROM (assignments|tasks)\b", s)]
    assert after == [], log.statements


# --- keyset pagination ------------------------------------------------------------------------


async def walk(
    client: AsyncTestClient[Any], listing: Listing, headers: dict[str, str], limit: int
) -> tuple[list[str], int]:
    keys: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {**dict(listing.query), "limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = await client.get(listing.path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        assert len(body["items"]) <= limit
        keys += [item[listing.key] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return keys, pages
        assert len(body["items"]) == limit, "only the last page may be short"
        assert pages <= 200, "the cursor does not advance"


async def walk_from(
    client: AsyncTestClient[Any], listing: Listing, headers: dict[str, str], limit: int, cursor: str | None
) -> tuple[list[str], int]:
    keys: list[str] = []
    pages = 0
    while cursor is not None:
        response = await client.get(listing.path, params={"limit": limit, "cursor": cursor}, headers=headers)
        assert response.status_code == 200, response.text
        keys += [item[listing.key] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        pages += 1
        assert pages <= 200
    return keys, pages


async def test_following_next_cursor_returns_every_row_once_in_order(
    client: AsyncTestClient[Any], container: Container, accounts: Any
) -> None:
    seeded = await seed(container, accounts)
    for name, listing in LISTINGS.items():
        headers = headers_for(seeded, listing.who)
        expected = listing.rows(seeded)
        for limit in (7, 10, 100):  # 35 rows: five full pages (the last one exactly full), four, one
            keys, pages = await walk(client, listing, headers, limit)
            assert len(keys) == len(set(keys)), (name, limit, "a row came twice")
            assert keys == expected, (name, limit)
            assert pages == -(-len(expected) // limit), (name, limit, pages)


async def test_the_review_queue_follows_submission_time_not_creation(
    client: AsyncTestClient[Any], container: Container, accounts: Any
) -> None:
    seeded = await seed(container, accounts, rows=12)
    listing = LISTINGS["review"]
    keys, _ = await walk(client, listing, seeded.admin.headers, 5)
    assert keys == [str(k) for k in seeded.review_order]
    assert keys != [str(k) for k in seeded.assignments]
    assert keys != [str(k) for k in reversed(seeded.assignments)]


async def test_rows_added_while_paging_do_not_shift_the_following_pages(
    client: AsyncTestClient[Any], container: Container, accounts: Any
) -> None:
    """Keyset, not offset: rows created while a client pages through do not shift what comes next."""
    seeded = await seed(container, accounts, rows=10)
    listing = LISTINGS["notifications"]
    first = await client.get(listing.path, params={"limit": 4}, headers=seeded.member.headers)
    async with container.uow() as work:
        for i in range(3):
            await work.notifications.add(
                Notification(seeded.member.user.id, NotificationKind.ASSIGNED, f"Late {i}", "/", container.clock.now())
            )
        await work.commit()
    rest, _ = await walk_from(client, listing, seeded.member.headers, 4, first.json()["next_cursor"])
    keys = [i["id"] for i in first.json()["items"]] + rest
    assert keys == listing.rows(seeded)


# --- bad paging input -------------------------------------------------------------------------


def b64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64(cursor: str) -> str:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()


GARBAGE_CURSORS = [
    "not a cursor",
    "!!!!",
    "%%%%",
    "é",
    "A",
    b64("hello"),
    b64(b"\xff\xfe\xfd\xfc"),
    b64("|"),
    b64("||"),
    b64("0190c0de-0000-7000-8000-000000000000|0190c0de-0000-7000-8000-000000000000|x"),
    b64("2024-01-01T00:00:00+00:00|not-a-uuid"),
    b64("not-a-time|0190c0de-0000-7000-8000-000000000000"),
    b64("2024-01-01T00:00:00|0190c0de-0000-7000-8000-000000000000"),  # no offset
    b64("0001-01-01T00:00:00+14:00|0190c0de-0000-7000-8000-000000000000"),  # before year 1 in UTC
    "x" * 201,
]


def tampered(cursor: str) -> list[str]:
    """A real cursor edited by hand: each edit leaves it undecodable as the original key."""
    text = unb64(cursor)
    edits = [b64(text[:-1] + "g"), b64("z" + text[1:]), b64(text + "|extra"), b64(text[: len(text) // 2]), cursor[:-2]]
    if "|" in text:
        stamp, ident = text.split("|")
        edits += [
            b64(ident),
            b64(f"{stamp}|{ident[:-1]}g"),
            b64(f"{stamp.split('+')[0]}|{ident}"),
            b64(f"yesterday|{ident}"),
            b64(f"0001-01-01T00:00:00+14:00|{ident}"),
        ]
    return edits


async def test_a_tampered_cursor_answers_400(client: AsyncTestClient[Any], container: Container, accounts: Any) -> None:
    seeded = await seed(container, accounts, rows=3)
    first_pages = {}
    for path in PAGINATED:
        listing = next(listing for listing in LISTINGS.values() if listing.path == path)
        headers = headers_for(seeded, listing.who)
        real = await client.get(path, params={"limit": 1}, headers=headers)
        assert real.status_code == 200, real.text
        cursor = real.json()["next_cursor"]
        assert cursor, path
        first_pages[path] = cursor
        for bad in [*GARBAGE_CURSORS, *tampered(cursor)]:
            response = await client.get(path, params={"limit": 1, "cursor": bad}, headers=headers)
            assert response.status_code == 400, (path, bad, unb64_or_none(bad), response.status_code, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
    # An id cursor is one key and the review queue's is two: neither is taken for the other.
    for path, foreign in (("/api/assignments/review/", "/api/tasks/"), ("/api/tasks/", "/api/assignments/review/")):
        listing = next(listing for listing in LISTINGS.values() if listing.path == path)
        response = await client.get(
            path, params={"limit": 1, "cursor": first_pages[foreign]}, headers=headers_for(seeded, listing.who)
        )
        assert response.status_code == 400, (path, response.text)


def unb64_or_none(cursor: str) -> str | None:
    try:
        return unb64(cursor)
    except ValueError:
        return None


async def test_a_limit_out_of_range_answers_400(
    client: AsyncTestClient[Any], accounts: Any, container: Container
) -> None:
    seeded = await seed(container, accounts, rows=2)
    for path in PAGINATED:
        listing = next(listing for listing in LISTINGS.values() if listing.path == path)
        headers = headers_for(seeded, listing.who)
        for bad in ("0", "101", "-1", "1000000000000000000000", "abc", "5.5"):
            response = await client.get(path, params={"limit": bad}, headers=headers)
            assert response.status_code == 400, (path, bad, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
        for good in ("1", "100"):
            response = await client.get(path, params={"limit": good}, headers=headers)
            assert response.status_code == 200, (path, good, response.text)
            assert len(response.json()["items"]) == min(int(good), len(listing.rows(seeded))), (path, good)
        default = await client.get(path, headers=headers)
        assert default.status_code == 200, (path, default.text)


# --- searching tasks --------------------------------------------------------------------------

NAMES = [
    "Paint the FENCE",
    "paint the shed",
    "Repaint the doors",
    "100% effort",
    "100 percent effort",
    "snake_case review",
    "snakeXcase review",
    "back\\slash task",
    "backXslash task",
    "Unrelated chore",
]


SEARCHES: list[tuple[str, set[str]]] = [
    ("paint", {"Paint the FENCE", "paint the shed", "Repaint the doors"}),
    ("PAINT THE", {"Paint the FENCE", "paint the shed", "Repaint the doors"}),
    ("fence", {"Paint the FENCE"}),
    ("  Fence  ", {"Paint the FENCE"}),
    ("100%", {"100% effort"}),
    ("%", {"100% effort"}),
    ("0% e", {"100% effort"}),
    ("%%", set()),
    ("e_c", {"snake_case review"}),
    ("_", {"snake_case review"}),
    ("k\\s", {"back\\slash task"}),
    ("\\", {"back\\slash task"}),
    ("nothing like it", set()),
]


async def test_q_filters_tasks_by_name_case_insensitively_and_literally(
    client: AsyncTestClient[Any], accounts: Any
) -> None:
    admin = await accounts("admin")
    member = await accounts("member")
    for name in NAMES:
        created = await client.post("/api/tasks/", json={"name": name}, headers=admin.headers)
        assert created.status_code == 201, created.text
    everything = await client.get("/api/tasks/", params={"limit": 100}, headers=member.headers)
    assert {t["name"] for t in everything.json()["items"]} == set(NAMES)
    wrong = {}
    for q, found in SEARCHES:
        response = await client.get("/api/tasks/", params={"q": q, "limit": 100}, headers=member.headers)
        assert response.status_code == 200, (q, response.text)
        names = {t["name"] for t in response.json()["items"]}
        if names != found:
            wrong[q] = (names, found)
    assert not wrong, wrong


async def test_q_keeps_filtering_across_pages(client: AsyncTestClient[Any], accounts: Any) -> None:
    admin = await accounts("admin")
    member = await accounts("member")
    slugs = []
    for i in range(9):
        name = f"Match {i}" if i % 2 == 0 else f"Other {i}"
        created = await client.post("/api/tasks/", json={"name": name}, headers=admin.headers)
        assert created.status_code == 201, created.text
        slugs.append((name, created.json()["slug"]))
    listing = Listing("/api/tasks/", "member", "slug", "board", query=(("q", "match"),))
    keys, pages = await walk(client, listing, member.headers, 2)
    assert keys == [slug for name, slug in reversed(slugs) if name.startswith("Match")]
    assert pages == 3
