"""The contract of the sign-in, recovery-code, password-reset and email-change repositories, and of the user's
one-read lookup with its sign-in, on the fakes and both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any
from uuid import UUID

from application.paging import PageRequest
from domain.ids import new_id
from domain.recovery import EmailChange, PasswordReset
from domain.sessions import RefreshSession
from domain.sign_ins import Client, SignIn, SignInKind
from domain.two_factor import RecoveryCode
from domain.users import Role, User
from tests.integration.contract.conftest import MINUTE, T0, Backend


def a_user(email: str = "ada@example.com") -> User:
    return User(email=email, full_name="Ada", role=Role.MEMBER, password_hash="argon2$x", created_at=T0)


def a_sign_in(user: User, minutes: int = 0, kind: SignInKind = SignInKind.API) -> SignIn:
    return SignIn.start(user.id, kind, Client("203.0.113.9", "Firefox"), T0 + minutes * MINUTE)


async def add(backend: Backend, *objects: object) -> None:
    async with backend.uow() as uow:
        for obj in objects:
            repo = {
                User: uow.users,
                SignIn: uow.sign_ins,
                PasswordReset: uow.password_resets,
                EmailChange: uow.email_changes,
                RefreshSession: uow.sessions,
            }[type(obj)]
            await repo.add(obj)  # type: ignore[attr-defined]
        await uow.commit()


async def live(uow: Any, user_id: UUID) -> list[SignIn]:
    """Every live sign-in, read a page of one at a time, so the cursors are walked too."""
    found, cursor = [], None
    while True:
        page = await uow.sign_ins.live_of(user_id, PageRequest(1, cursor))
        found += page.items
        if (cursor := page.next_cursor) is None:
            return found


async def test_sign_ins_round_trip_list_newest_first_and_end(backend: Backend) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    first, second, page = a_sign_in(ada, 0), a_sign_in(ada, 1), a_sign_in(ada, 2, SignInKind.PAGE)
    bobs = a_sign_in(bob)
    await add(backend, ada, bob, first, second, page, bobs)
    async with backend.uow() as uow:
        assert await uow.sign_ins.get(page.id) == page
        assert await uow.sign_ins.get(new_id(), for_update=True) is None
        assert await live(uow, ada.id) == [page, second, first]
        assert await uow.sign_ins.end_all_for_user(ada.id, T0 + 5 * MINUTE, keep=second.id) == 2
        assert await uow.sign_ins.end_all_for_user(ada.id, T0 + 6 * MINUTE, keep=second.id) == 0
        await uow.commit()
    async with backend.uow() as uow:
        assert await live(uow, ada.id) == [second]
        assert await live(uow, bob.id) == [bobs]
        assert await uow.sign_ins.get(first.id) == replace(first, ended_at=T0 + 5 * MINUTE)
        assert await uow.sign_ins.end_all_for_user(ada.id, T0 + 7 * MINUTE) == 1
        await uow.commit()
    async with backend.uow() as uow:
        assert await live(uow, ada.id) == []


async def test_touch_only_moves_last_use_forward(backend: Backend) -> None:
    ada = a_user()
    sign_in = a_sign_in(ada, 10)
    await add(backend, ada, sign_in)
    async with backend.uow() as uow:
        await uow.sign_ins.touch(sign_in.id, T0 + 5 * MINUTE)
        await uow.sign_ins.touch(sign_in.id, T0 + 20 * MINUTE)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.sign_ins.get(sign_in.id) == replace(sign_in, last_used_at=T0 + 20 * MINUTE)


async def test_a_user_is_found_with_their_live_sign_in_only(backend: Backend) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    live, ended, bobs = a_sign_in(ada), replace(a_sign_in(ada), ended_at=T0), a_sign_in(bob)
    await add(backend, ada, bob, live, ended, bobs)
    async with backend.uow() as uow:
        assert await uow.users.signed_in(ada.id, live.id) == (ada, live)
        assert await uow.users.signed_in(ada.id, ended.id) is None
        assert await uow.users.signed_in(ada.id, bobs.id) is None
        assert await uow.users.signed_in(new_id(), live.id) is None


async def test_revoking_all_refresh_tokens_can_keep_one_family(backend: Backend) -> None:
    ada = a_user()
    kept, other = new_id(), new_id()
    keep = RefreshSession(ada.id, kept, T0, T0 + timedelta(days=1))
    end = RefreshSession(ada.id, other, T0, T0 + timedelta(days=1))
    await add(backend, ada, keep, end)
    async with backend.uow() as uow:
        assert await uow.sessions.revoke_all_for_user(ada.id, T0 + MINUTE, keep_family=kept) == 1
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.sessions.get(keep.id) == keep
        assert await uow.sessions.get(end.id) == replace(end, revoked_at=T0 + MINUTE)


async def test_recovery_codes_are_replaced_and_spent_once(backend: Backend) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    await add(backend, ada, bob)
    first, second = RecoveryCode(ada.id, "a" * 64), RecoveryCode(ada.id, "b" * 64)
    bobs = RecoveryCode(bob.id, "c" * 64)
    async with backend.uow() as uow:
        await uow.recovery_codes.replace_all(ada.id, [RecoveryCode(ada.id, "old")])
        await uow.recovery_codes.replace_all(ada.id, [first, second])
        await uow.recovery_codes.replace_all(bob.id, [bobs])
        await uow.commit()
    async with backend.uow() as uow:
        assert sorted(c.code_digest for c in await uow.recovery_codes.unused_of(ada.id)) == ["a" * 64, "b" * 64]
        first.spend(T0)
        assert await uow.recovery_codes.spend(first) is True
        assert await uow.recovery_codes.spend(first) is False
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.recovery_codes.unused_of(ada.id) == [second]
        await uow.recovery_codes.replace_all(ada.id, [])
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.recovery_codes.unused_of(ada.id) == []
        assert await uow.recovery_codes.unused_of(bob.id) == [bobs]


async def test_password_resets_are_found_by_digest_and_spent_together(backend: Backend) -> None:
    ada = a_user()
    one, two = PasswordReset.issue(ada.id, "a" * 64, T0), PasswordReset.issue(ada.id, "b" * 64, T0 + MINUTE)
    await add(backend, ada, one, two)
    async with backend.uow() as uow:
        assert await uow.password_resets.get_by_digest("a" * 64, for_update=True) == one
        assert await uow.password_resets.get_by_digest("c" * 64) is None
        assert await uow.password_resets.spend_all_for_user(ada.id, T0 + 2 * MINUTE) == 2
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.password_resets.get_by_digest("b" * 64) == replace(two, used_at=T0 + 2 * MINUTE)


async def test_the_latest_email_change_is_the_one_confirmed(backend: Backend) -> None:
    ada = a_user()
    older = EmailChange.issue(ada.id, "old@example.com", "d1", T0)
    newer = EmailChange.issue(ada.id, "new@example.com", "d2", T0 + MINUTE)
    await add(backend, ada, older, newer)
    async with backend.uow() as uow:
        latest = await uow.email_changes.latest_for(ada.id, for_update=True)
        assert latest == newer
        assert await uow.email_changes.latest_for(new_id()) is None
        newer.confirm("wrong", T0 + MINUTE)
        await uow.email_changes.update(newer)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.email_changes.latest_for(ada.id) == replace(newer, wrong_tries=1)
