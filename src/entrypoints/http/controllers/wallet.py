"""Wallet paths: balance, transactions and idempotent redemption."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.params import HeaderParameter, JSONBody

from application import listing, wallet
from entrypoints.http.controllers.common import (
    BEARER,
    ContainerDep,
    CurrentUser,
    CursorParam,
    LimitParam,
    page_of,
    problems,
)
from entrypoints.http.schemas.common import out
from entrypoints.http.schemas.work import EntryOut, PageOut, PostingOut, RedeemIn, WalletOut

REPLAYED = ResponseHeader(
    name="Idempotent-Replayed",
    description="`true` when this answer is a replay of an earlier request",
    documentation_only=True,
)
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

    @post(
        "/redeem/",
        responses=problems(400, 401, 409),
        response_headers=[REPLAYED],
        description="A replay (same Idempotency-Key, same body) answers the first answer again, with the header "
        "`Idempotent-Replayed: true`; the same key with another body is 409 `idempotency_key_reused`.",
    )
    async def redeem(
        self,
        data: JSONBody[RedeemIn],
        container: ContainerDep,
        current_user: CurrentUser,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[PostingOut]:
        cmd = wallet.Redeem(data.points, data.note, idempotency_key)
        posting, created = await wallet.redeem(cmd, current_user, container.uow, container.clock)
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(out(posting, PostingOut), status_code=201, headers=headers)
