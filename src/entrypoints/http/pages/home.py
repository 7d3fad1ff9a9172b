"""The home page: what to do now, or what TaskReward is for a visitor."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from application import overview
from entrypoints.http.pages.layout import ContainerDep, VisitorDep, page


class HomePage(Controller):
    include_in_schema = False

    @get("/")
    async def home(self, visitor: VisitorDep, container: ContainerDep) -> Template:
        if visitor is None:
            return page("welcome.html", None)
        summary = await overview.home(visitor.user, container.clock, container.queries, container.cache, container.uow)
        return page("home.html", visitor, home=summary)
