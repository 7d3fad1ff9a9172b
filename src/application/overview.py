"""Read use cases that gather what one screen shows: the header, the home page, one task with my work on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from application.access import may_review_something, task_seen_by
from application.listing import my_projects
from application.ports.clock import Clock
from application.ports.messaging import ListCache
from application.ports.repositories import UnitOfWorkFactory
from application.queries import PageRequest, Queries
from application.tasks import task_view
from application.views import AssignmentView, ProjectView, TaskView
from domain.access import can_review_task
from domain.assignments import AssignmentStatus
from domain.errors import DomainError
from domain.projects import ProjectStatus
from domain.tasks import Task
from domain.users import User

DUE_SOON = timedelta(days=14)
HOME_LIST = 5


@dataclass(frozen=True)
class Header:
    unread: int
    may_review: bool
    administers: bool  # the admin panel is theirs


@dataclass(frozen=True)
class Home:
    in_progress: list[AssignmentView]
    to_review: list[AssignmentView]
    may_review: bool
    due_soon: list[ProjectView]
    today: date


@dataclass(frozen=True)
class TaskPage:
    task: TaskView
    mine: AssignmentView | None
    reviews: bool
    may_claim: bool


async def header(user: User, queries: Queries, uow: UnitOfWorkFactory) -> Header:
    async with uow() as work:
        may_review = await may_review_something(work, user)
    return Header(await queries.notifications.unread_count(user.id), may_review, user.is_admin)


async def home(user: User, clock: Clock, queries: Queries, cache: ListCache, uow: UnitOfWorkFactory) -> Home:
    """My work in progress, the oldest submissions I may review, and my projects due within two weeks."""
    today = clock.today()  # the calendar due dates are judged in (TIME_ZONE), as `is_overdue` is
    in_progress = await queries.assignments.mine(user.id, AssignmentStatus.IN_PROGRESS, PageRequest(HOME_LIST))
    async with uow() as work:
        may_review = await may_review_something(work, user)
    to_review = (await queries.assignments.review_queue(user, PageRequest(HOME_LIST))).items if may_review else []
    # The newest hundred projects are searched: enough for a person's own list.
    projects = await my_projects(user, PageRequest(100), queries, cache, clock)
    due_soon = sorted(
        (
            p
            for p in projects.items
            if p.due_date is not None and p.status != ProjectStatus.COMPLETED.value and p.due_date <= today + DUE_SOON
        ),
        key=lambda p: (p.due_date, p.name),
    )
    return Home(in_progress.items, to_review, may_review, due_soon[:HOME_LIST], today)


async def task_page(slug: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> TaskPage:
    """The task, and my work on it, read in one transaction. Its reviewers may not claim it: nobody earns on
    work they could review."""
    async with uow() as work:
        task, role = await task_seen_by(work, user, slug)
        reviews = can_review_task(user, task, role)
        mine = await work.assignments.find(task.id, user.id)
        view = await task_view(work, task, clock)
    mine_view = AssignmentView.of(mine, task.slug, task.name) if mine else None
    return TaskPage(view, mine_view, reviews, may_claim=mine is None and not reviews and _claimable(task))


def _claimable(task: Task) -> bool:
    try:
        task.ensure_claimable()
    except DomainError:
        return False
    return True
