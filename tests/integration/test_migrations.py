"""The Alembic scripts build exactly the schema of `adapters.db.tables`, and undo it, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import inspect, pool

from adapters.db.migrate import alembic_config, downgrade, sync_url, upgrade
from adapters.db.tables import metadata


def inspect_db(url: str, look: Any) -> Any:
    engine = create_sync_engine(sync_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return look(conn)
    finally:
        engine.dispose()


def schema_differences(url: str) -> list[Any]:
    def compare(conn: Any) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    return list(inspect_db(url, compare))


def current_revision(url: str) -> str | None:
    return inspect_db(url, lambda conn: MigrationContext.configure(conn).get_current_revision())  # type: ignore[no-any-return]


def table_names(url: str) -> set[str]:
    return set(inspect_db(url, lambda conn: inspect(conn).get_table_names()))


def scripts(url: str) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(url))


def assert_at_head_and_matching(url: str) -> None:
    assert current_revision(url) == scripts(url).get_current_head()
    assert table_names(url) == {*metadata.tables, "alembic_version"}
    assert schema_differences(url) == []


def test_there_is_a_single_head() -> None:
    assert len(scripts("sqlite+aiosqlite://").get_heads()) == 1


def test_upgrade_then_downgrade_to_base_then_upgrade_again(fresh_url: str) -> None:
    upgrade(fresh_url)
    assert_at_head_and_matching(fresh_url)

    downgrade(fresh_url, "base")
    assert current_revision(fresh_url) is None
    assert table_names(fresh_url) <= {"alembic_version"}

    upgrade(fresh_url)
    assert_at_head_and_matching(fresh_url)


def test_every_revision_steps_down_and_back_up(fresh_url: str) -> None:
    revisions = [script.revision for script in reversed(list(scripts(fresh_url).walk_revisions()))]
    assert revisions, "no migrations found"
    for revision in revisions:
        upgrade(fresh_url, revision)
        assert current_revision(fresh_url) == revision
        downgrade(fresh_url, "-1")
        assert current_revision(fresh_url) != revision
        upgrade(fresh_url, revision)
        assert current_revision(fresh_url) == revision
    assert_at_head_and_matching(fresh_url)


def test_upgrading_twice_is_harmless(fresh_url: str) -> None:
    upgrade(fresh_url)
    upgrade(fresh_url)
    assert_at_head_and_matching(fresh_url)


def test_live_refresh_families_become_sign_ins(fresh_url: str) -> None:
    """0007 keeps API clients signed in: each family with a usable token becomes a sign-in with its id."""
    from datetime import UTC, datetime, timedelta
    from uuid import uuid4

    import sqlalchemy as sa

    from adapters.db.types import UtcDateTime

    upgrade(fresh_url, "0006")
    user, live, ended = uuid4(), uuid4(), uuid4()
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    names = ("id", "email", "full_name", "role", "password_hash", "time_zone", "is_active", "session_version")
    users_then = sa.table(
        "users",
        *(sa.column(n) for n in names[1:6]),
        sa.column("id", sa.Uuid),
        sa.column("is_active", sa.Boolean),
        sa.column("session_version", sa.Integer),
        sa.column("created_at", UtcDateTime),
    )
    when = ("issued_at", "expires_at", "spent_at", "revoked_at")
    refresh_then = sa.table(
        "refresh_sessions",
        *(sa.column(n, sa.Uuid) for n in ("id", "user_id", "family_id")),
        *(sa.column(n, UtcDateTime) for n in when),
    )
    engine = create_sync_engine(sync_url(fresh_url), poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(users_then).values(
                    id=user,
                    email="ada@example.com",
                    full_name="Ada",
                    role="member",
                    password_hash="x",
                    time_zone="UTC",
                    is_active=True,
                    session_version=0,
                    created_at=at,
                )
            )
            rows = [
                (live, at, at, None),  # spent by the rotation that made the next one
                (live, at + timedelta(hours=1), None, None),
                (ended, at, None, at),
            ]
            for family, issued, spent, revoked in rows:
                conn.execute(
                    sa.insert(refresh_then).values(
                        id=uuid4(),
                        user_id=user,
                        family_id=family,
                        issued_at=issued,
                        expires_at=issued + timedelta(days=7),
                        spent_at=spent,
                        revoked_at=revoked,
                    )
                )
    finally:
        engine.dispose()
    upgrade(fresh_url)

    sign_ins = sa.table(
        "sign_ins",
        sa.column("id", sa.Uuid),
        sa.column("user_id", sa.Uuid),
        sa.column("kind"),
        sa.column("ended_at", UtcDateTime),
    )
    found = inspect_db(fresh_url, lambda conn: list(conn.execute(sa.select(sign_ins)).all()))
    assert [tuple(row) for row in found] == [(live, user, "api", None)]
