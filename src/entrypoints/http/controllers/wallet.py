"""Wallet paths: balance, transactions and idempotent redemption."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import HeaderParameter, JSONBody

from application import wallet
from application.queries import PageRequest
from domain.errors import InvalidInput
from entrypoints.http.controllers.common import BEARER, ContainerDep, CurrentUser, CursorParam, LimitParam
from entrypoints.http.schemas.work import EntryOut, PageOut, PostingOut, RedeemIn, WalletOut


def posting_out(posting: wallet.Posting) -> PostingOut:
    return PostingOut(EntryOut.of(posting.entry), posting.balance)


class WalletController(Controller):
    path = "/api/wallet"
    tags = ["wallet"]
    security = BEARER

    @get("/")
    async def summary(self, container: ContainerDep, current_user: CurrentUser) -> WalletOut:
        held = await container.queries.wallets.wallet(current_user.id)
        return WalletOut(balance=held.balance, earned=held.earned, redeemed=held.redeemed)

    @get("/transactions/")
    async def transactions(
        self, container: ContainerDep, current_user: CurrentUser, limit: LimitParam = 20, cursor: CursorParam = None
    ) -> PageOut[EntryOut]:
        page = await container.queries.wallets.transactions(current_user.id, PageRequest(limit, cursor))
        return PageOut([EntryOut.of(e) for e in page.items], page.next_cursor)

    @post("/redeem/")
    async def redeem(
        self,
        data: JSONBody[RedeemIn],
        container: ContainerDep,
        current_user: CurrentUser,
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key", max_length=200)] = None,
    ) -> Response[PostingOut]:
        if not idempotency_key:
            raise InvalidInput("Redemptions need an Idempotency-Key header.", field="Idempotency-Key")
        cmd = wallet.Redeem(data.points, data.note, idempotency_key)
        posting, created = await wallet.redeem(cmd, current_user, container.uow, container.clock)
        return Response(posting_out(posting), status_code=201 if created else 200)
