"""Project budgets: admins fund them from the treasury; managers see what they hold and where it went."""

from __future__ import annotations

from dataclasses import dataclass

from application.access import ensure_admin
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWorkFactory
from application.projects import managed_project
from application.queries import Page, PageRequest, Queries
from application.views import AccountEntry
from domain.errors import ProjectNotFound
from domain.ledger import BudgetSummary, budget_of, funding
from domain.users import User


@dataclass(frozen=True)
class FundProject:
    slug: str
    points: int  # negative: take back points the budget still holds
    reason: str


async def fund_project(cmd: FundProject, admin: User, uow: UnitOfWorkFactory, clock: Clock) -> BudgetSummary:
    """Only admins issue points. Taking back more than the budget holds (reserved points are not its own)
    raises `BudgetExceeded`."""
    ensure_admin(admin)
    async with uow() as work:
        project = await work.projects.get_by_slug(cmd.slug)
        if project is None:
            raise ProjectNotFound()
        budget = await work.ledger.account(budget_of(project.id), for_update=True)
        await work.ledger.post(funding(budget, cmd.points, cmd.reason, admin.id, clock.now()))
        summary = await work.ledger.budget(project.id)
        await work.commit()
    return summary


async def project_budget(slug: str, user: User, uow: UnitOfWorkFactory) -> BudgetSummary:
    """For the project's managers and admins; a member is refused (403), anyone else does not see it (404)."""
    async with uow() as work:
        project = await managed_project(work, user, slug)
        return await work.ledger.budget(project.id)


async def budget_transfers(
    slug: str, user: User, page: PageRequest, queries: Queries, uow: UnitOfWorkFactory
) -> Page[AccountEntry]:
    """Every transfer in or out of the budget, newest first, signed from the budget's side."""
    async with uow() as work:
        project = await managed_project(work, user, slug)
    return await queries.ledger.entries(budget_of(project.id), page)


@dataclass(frozen=True)
class BudgetPage:
    summary: BudgetSummary
    transfers: Page[AccountEntry]


async def budget_page(slug: str, user: User, page: PageRequest, queries: Queries, uow: UnitOfWorkFactory) -> BudgetPage:
    """What the project's page and the admin panel show of a budget: its figures and one page of transfers."""
    async with uow() as work:
        project = await managed_project(work, user, slug)
        summary = await work.ledger.budget(project.id)
    return BudgetPage(summary, await queries.ledger.entries(budget_of(project.id), page))
