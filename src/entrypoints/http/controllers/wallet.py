"""Wallet paths: balance, transactions and idempotent redemption."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import HeaderParameter, JSONBody

from application import listing, wallet
from entrypoints.http.controllers.common import BEARER, ContainerDep, CurrentUser, CursorParam, LimitParam, page_of
from entrypoints.http.schemas.common import out
from entrypoints.http.schemas.work import EntryOut, PageOut, PostingOut, RedeemIn, WalletOut

# Checked by the redeem use case, so the header's length is not limited here: an overlong key is refused there.
IdempotencyKey = Annotated[str | None, HeaderParameter(name="Idempotency-Key")]


class WalletController(Controller):
    path = "/api/wallet"
    tags = ["wallet"]
    security = BEARER

    @get("/")
    async def summary(self, container: ContainerDep, current_user: CurrentUser) -> WalletOut:
        return out(await listing.my_wallet(current_user, container.queries), WalletOut)

    @get("/transactions/")
    async def transactions(
        self, container: ContainerDep, current_user: CurrentUser, limit: LimitParam = 20, cursor: CursorParam = None
    ) -> PageOut[EntryOut]:
        page = await listing.my_transactions(current_user, page_of(limit, cursor), container.queries)
        return out(page, PageOut[EntryOut])

    @post("/redeem/")
    async def redeem(
        self,
        data: JSONBody[RedeemIn],
        container: ContainerDep,
        current_user: CurrentUser,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[PostingOut]:
        cmd = wallet.Redeem(data.points, data.note, idempotency_key)
        posting, created = await wallet.redeem(cmd, current_user, container.uow, container.clock)
        return Response(out(posting, PostingOut), status_code=201 if created else 200)
