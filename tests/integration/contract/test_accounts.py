"""The account repositories' contract: users, one-time codes, email tokens, sessions and the audit log."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.audit import AuditEntry
from domain.errors import EmailTaken
from domain.ids import new_id
from domain.sessions import RefreshSession
from domain.users import Role, User
from domain.verification import EmailOtp, EmailToken
from tests.integration.contract.conftest import MINUTE, T0, Backend


def a_user(email: str = "ada@example.com", **changes: object) -> User:
    user = User(email=email, full_name="Ada Lovelace", role=Role.MEMBER, password_hash="argon2$x", created_at=T0)
    return replace(user, **changes)


def a_session(user: User, family: object = None, **changes: object) -> RefreshSession:
    session = RefreshSession(user.id, family or new_id(), T0, T0 + timedelta(days=7))  # type: ignore[arg-type]
    return replace(session, **changes)


def an_otp(digest: str, minutes: int, email: str = "ada@example.com", **changes: object) -> EmailOtp:
    created = T0 + minutes * MINUTE
    return replace(EmailOtp(email, digest, created, created + 10 * MINUTE), **changes)


async def seed(backend: Backend, *objects: object) -> None:
    async with backend.uow() as uow:
        repos = {User: uow.users, EmailOtp: uow.otps, EmailToken: uow.email_tokens, RefreshSession: uow.sessions}
        for obj in objects:
            await repos.get(type(obj), uow.audit).add(obj)  # type: ignore[attr-defined]
        await uow.commit()


async def stored(backend: Backend, *sessions: RefreshSession) -> list[RefreshSession | None]:
    async with backend.uow() as uow:
        return [await uow.sessions.get(session.id) for session in sessions]


async def test_user_round_trips_every_field(backend: Backend) -> None:
    user = a_user(role=Role.MANAGER, totp_secret="JBSWY", time_zone="Asia/Kolkata", is_active=False, session_version=3)
    await seed(backend, user)
    async with backend.uow() as uow:
        by_id = await uow.users.get(user.id)
        by_email = await uow.users.get_by_email("ada@example.com", for_update=True)
        locked = await uow.users.get(user.id, for_update=True)
        assert await uow.users.get(new_id()) is None
        assert await uow.users.get_by_email("nobody@example.com") is None
    assert by_id == by_email == locked == user
    assert by_id is not None
    assert (type(by_id.role), type(by_id.is_active), type(by_id.session_version)) == (Role, bool, int)
    assert by_id.created_at.utcoffset() == timedelta(0)


async def test_duplicate_email_raises_email_taken_and_the_unit_stays_usable(backend: Backend) -> None:
    first = a_user()
    await seed(backend, first)
    async with backend.uow() as uow:
        with pytest.raises(EmailTaken):
            await uow.users.add(a_user(full_name="Impostor"))
        other = a_user("bob@example.com")
        await uow.users.add(other)
        await uow.users.add(same_uow := a_user("cy@example.com"))
        with pytest.raises(EmailTaken):
            await uow.users.add(a_user("cy@example.com", full_name="Twin"))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.users.get_by_email("ada@example.com") == first
        assert await uow.users.get(other.id) == other
        assert await uow.users.get_by_email("cy@example.com") == same_uow


async def test_latest_for_returns_the_newest_otp_of_that_email(backend: Backend) -> None:
    oldest, middle = an_otp("d1", 0), an_otp("d2", 1)
    newest = an_otp("d3", 2, wrong_tries=2, used_at=T0 + 3 * MINUTE)
    someone_else = an_otp("d4", 5, "bob@example.com")
    await seed(backend, oldest, newest, middle, someone_else)
    async with backend.uow() as uow:
        assert await uow.otps.latest_for("ada@example.com") == newest
        assert await uow.otps.latest_for("ada@example.com", for_update=True) == newest
        assert await uow.otps.latest_for("bob@example.com") == someone_else
        assert await uow.otps.latest_for("nobody@example.com") is None


async def test_email_token_session_and_audit_round_trip(backend: Backend) -> None:
    user = a_user()
    token = EmailToken("ada@example.com", "a" * 64, T0, T0 + 15 * MINUTE, used_at=T0 + MINUTE)
    session = a_session(user, spent_at=T0 + MINUTE, revoked_at=T0 + 2 * MINUTE)
    first = AuditEntry("login.failed", T0, None, "ada@example.com")
    second = AuditEntry("login.succeeded", T0 + MINUTE, user.id, str(user.id), "detail text")
    await seed(backend, user, token, session, first, second)
    async with backend.uow() as uow:
        assert await uow.email_tokens.get_by_digest("a" * 64) == token
        assert await uow.email_tokens.get_by_digest("b" * 64, for_update=True) is None
        got = await uow.sessions.get(session.id, for_update=True)
        assert await uow.sessions.get(new_id()) is None
    assert got == session
    assert got is not None
    assert got.spent_at is not None
    assert got.spent_at.utcoffset() == timedelta(0)
    assert await backend.audit_entries() == [first, second]


async def test_update_persists_and_touches_nothing_else(backend: Backend) -> None:
    user, bystander = a_user(), a_user("bob@example.com")
    otp, token, session = an_otp("d1", 0), EmailToken("ada@example.com", "a" * 64, T0, T0 + MINUTE), a_session(user)
    await seed(backend, user, bystander, otp, token, session)
    async with backend.uow() as uow:
        user.full_name, user.role, user.totp_secret = "Countess", Role.ADMIN, "SECRET"
        user.change_password_hash("argon2$new")
        otp.wrong_tries, otp.used_at = 4, T0 + MINUTE
        token.used_at = T0 + 2 * MINUTE
        session.spent_at = T0 + 3 * MINUTE
        await uow.users.update(user)
        await uow.otps.update(otp)
        await uow.email_tokens.update(token)
        await uow.sessions.update(session)
        fetched = await uow.users.get(bystander.id)
        assert fetched is not None
        fetched.full_name = "changed without update()"
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.users.get(user.id) == user
        assert await uow.users.get(bystander.id) == bystander
        assert await uow.otps.latest_for("ada@example.com") == otp
        assert await uow.email_tokens.get_by_digest("a" * 64) == token
        assert await uow.sessions.get(session.id) == session


async def test_leaving_without_commit_rolls_everything_back(backend: Backend) -> None:
    user = a_user()
    session = a_session(user)
    await seed(backend, user, session)
    async with backend.uow() as uow:
        await uow.users.add(a_user("bob@example.com"))
        await uow.otps.add(an_otp("d1", 0))
        await uow.email_tokens.add(EmailToken("ada@example.com", "a" * 64, T0, T0 + MINUTE))
        await uow.sessions.add(a_session(user))
        await uow.audit.add(AuditEntry("login.failed", T0))
        await uow.users.update(replace(user, full_name="Changed"))
        assert await uow.sessions.revoke_all_for_user(user.id, T0 + MINUTE) == 2

    async def add_then_fail() -> None:
        async with backend.uow() as uow:
            await uow.users.add(a_user("cy@example.com"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await add_then_fail()
    async with backend.uow() as uow:
        assert await uow.users.get_by_email("bob@example.com") is None
        assert await uow.users.get_by_email("cy@example.com") is None
        assert await uow.users.get(user.id) == user
        assert await uow.otps.latest_for("ada@example.com") is None
        assert await uow.email_tokens.get_by_digest("a" * 64) is None
        assert await uow.sessions.get(session.id) == session
    assert await backend.audit_entries() == []


async def test_revoke_family_and_all_for_user_touch_only_their_live_rows(backend: Backend) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    family, other_family = new_id(), new_id()
    earlier = T0 - timedelta(hours=1)
    spent, live = a_session(ada, family, spent_at=T0), a_session(ada, family)
    already_revoked = a_session(ada, family, revoked_at=earlier)
    ada_other = a_session(ada, other_family)
    bob_live = a_session(bob)
    await seed(backend, ada, bob, spent, live, already_revoked, ada_other, bob_live)
    now = T0 + MINUTE
    async with backend.uow() as uow:
        assert await uow.sessions.revoke_family(family, now) == 2
        assert await uow.sessions.revoke_family(family, now) == 0
        assert await uow.sessions.revoke_family(new_id(), now) == 0
        await uow.commit()
    revoked_spent, revoked_live = replace(spent, revoked_at=now), replace(live, revoked_at=now)
    after_family = await stored(backend, spent, live, already_revoked, ada_other, bob_live)
    assert after_family == [revoked_spent, revoked_live, already_revoked, ada_other, bob_live]
    later = now + MINUTE
    async with backend.uow() as uow:
        assert await uow.sessions.revoke_all_for_user(ada.id, later) == 1
        assert await uow.sessions.revoke_all_for_user(ada.id, later) == 0
        await uow.commit()
    after_user = await stored(backend, spent, live, already_revoked, ada_other, bob_live)
    assert after_user == [revoked_spent, revoked_live, already_revoked, replace(ada_other, revoked_at=later), bob_live]
