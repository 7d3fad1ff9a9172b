"""The wallet, ledger and idempotency contracts: balances never negative, one reward per assignment."""

from __future__ import annotations

import pytest

from application.ports.repositories import IdempotencyRecord
from domain.assignments import Assignment, Origin
from domain.errors import AlreadyRewarded, InsufficientPoints
from domain.ids import new_id
from domain.wallets import EntryKind, Wallet
from tests.integration.contract.conftest import MINUTE, T0, Backend, a_task, a_user, an_admin


async def test_every_user_has_a_wallet_and_updates_persist(backend: Backend) -> None:
    ada = a_user()
    await backend.seed(ada)
    async with backend.uow() as uow:
        assert await uow.wallets.get(ada.id) == Wallet(ada.id)
        wallet = await uow.wallets.get(ada.id, for_update=True)
        wallet.balance, wallet.earned, wallet.redeemed = 7, 10, 3
        await uow.wallets.update(wallet)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.wallets.get(ada.id) == Wallet(ada.id, 7, 10, 3)


async def test_a_negative_balance_is_insufficient_points(backend: Backend) -> None:
    ada = a_user()
    await backend.seed(ada)
    async with backend.uow() as uow:
        wallet = await uow.wallets.get(ada.id, for_update=True)
        wallet.balance = -1
        with pytest.raises(InsufficientPoints):
            await uow.wallets.update(wallet)


async def test_entries_round_trip_and_an_assignment_is_rewarded_once(backend: Backend) -> None:
    admin, ada = an_admin(), a_user()
    task = a_task(admin)
    work = Assignment(task.id, ada.id, Origin.CLAIMED, T0)
    await backend.seed(admin, ada, task, work)
    wallet = Wallet(ada.id)
    reward = wallet.reward(5, work.id, "Paint", T0)
    bonus = wallet.adjust(3, "Welcome", admin.id, T0 + MINUTE)
    await backend.seed(reward, bonus)
    async with backend.uow() as uow:
        assert (await uow.ledger.get(reward.id), await uow.ledger.get(bonus.id)) == (reward, bonus)
        assert await uow.ledger.get(new_id()) is None
        found = await uow.ledger.get(reward.id)
        assert found is not None
        assert found.kind is EntryKind.REWARD
        with pytest.raises(AlreadyRewarded):
            await uow.ledger.add(wallet.reward(5, work.id, "Paint", T0 + 2 * MINUTE))


async def test_an_idempotency_key_is_kept_per_user(backend: Backend) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    await backend.seed(ada, bob)
    record = IdempotencyRecord(ada.id, "k1", "d" * 64, "entry:7", T0)
    async with backend.uow() as uow:
        await uow.idempotency.add(record)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.idempotency.get(ada.id, "k1") == record
        assert await uow.idempotency.get(bob.id, "k1") is None
        assert await uow.idempotency.get(ada.id, "k2") is None
