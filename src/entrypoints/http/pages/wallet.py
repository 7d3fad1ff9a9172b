"""The wallet: balance, history page by page, and redeeming points once per rendered form."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from application import listing, wallet
from application.queries import PageRequest
from domain.errors import DomainError, InvalidInput
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import PAGE_SIZE, ContainerDep, Me, PageCursor, ViewerDep, done, page, refused
from entrypoints.http.schemas.work import RedeemIn


class WalletPages(Controller):
    path = "/wallet"
    include_in_schema = False

    @get("/")
    async def wallet(self, viewer: ViewerDep, container: ContainerDep, cursor: PageCursor = None) -> Template:
        held = await listing.my_wallet(viewer.user, container.queries)
        history = await listing.my_transactions(viewer.user, PageRequest(PAGE_SIZE, cursor), container.queries)
        # Each rendered form carries its own key: a double click posts one key twice and debits once.
        key = uuid.uuid4().hex
        return page("wallet.html", viewer, held=held, history=history, cursor=cursor, idempotency_key=key)

    @post("/redeem/")
    async def redeem(self, request: Request[Any, Any, Any], me: Me, container: ContainerDep) -> Redirect:
        fields = await read_form(request)
        try:
            key = fields.get("idempotency_key", "")
            if not key:
                raise InvalidInput("This form is out of date: reload the page and try again.")
            data = parse(RedeemIn, fields)
            posting, _ = await wallet.redeem(
                wallet.Redeem(data.points, data.note, key), me, container.uow, container.clock
            )
        except DomainError as exc:
            return refused(request, exc, "/wallet/")
        message = f"Redeemed {-posting.entry.points} points. Your balance is {posting.balance}."
        return done(request, message, "/wallet/")
