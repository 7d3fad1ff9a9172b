"""Who may do what, as a table over the use cases and the fakes: refusals have their exact error and change
nothing. The HTTP tests keep one check per route that these errors leave as the right status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

import pytest

from application import admin, assignments, listing, tasks, wallet
from application.assignments import Review
from application.projects import CreateProject, create_project
from application.queries import PageRequest
from application.tasks import CreateTask
from domain.access import ProjectRole
from domain.errors import (
    AssignmentNotFound,
    DomainError,
    OwnSubmission,
    PermissionDenied,
    ReviewerCannotEarn,
    TaskNotFound,
)
from domain.ledger import TransferKind
from domain.projects import Membership
from domain.users import Role, User
from tests.fakes.helpers import fake_store, seed_user
from tests.fakes.media import FakeImages, FakeMedia
from tests.fakes.services import fake_identity

Step = Callable[["World"], Awaitable[object]]


@dataclass
class World:
    deps: Any
    admin: User
    ada: User  # a member with nothing of hers on the board
    bob: User  # a member whose submission waits
    mia: User  # a manager of no project
    pam: User  # the manager of a project
    slug: str  # the public task
    project_slug: str
    project_task: str
    submitted: UUID  # bob's submitted assignment of the public task
    in_progress: UUID  # ada's claim of the project task


async def world() -> World:
    deps = fake_identity()
    people = {
        name: await seed_user(deps, f"{name}@example.com", role=role)
        for name, role in (("root", Role.ADMIN), ("ada", Role.MEMBER), ("bob", Role.MEMBER), ("mia", Role.MANAGER))
    }
    pam = await seed_user(deps, "pam@example.com", role=Role.MANAGER)
    root, bob, ada = people["root"], people["bob"], people["ada"]
    task = await tasks.create_public_task(CreateTask("Paint", points=5, claim_limit=3), root, deps.uow, deps.clock)
    claim = await assignments.claim_task(task.slug, bob, deps.uow, deps.clock)
    await assignments.submit(claim.id, "done", bob, deps.uow, deps.clock)
    project = await create_project(CreateProject("Site"), pam, deps.uow, deps.clock)
    async with deps.uow() as uow:
        await uow.memberships.add(Membership(project.id, ada.id, ProjectRole.MEMBER, deps.clock.now()))
        await uow.commit()
    inner = await tasks.create_project_task(project.slug, CreateTask("Inner"), pam, deps.uow, deps.clock)
    own = await assignments.claim_task(inner.slug, ada, deps.uow, deps.clock)
    return World(deps, root, ada, bob, people["mia"], pam, task.slug, project.slug, inner.slug, claim.id, own.id)


def uc(w: World) -> tuple[Any, Any]:
    return w.deps.uow, w.deps.clock


REVIEWER_AND_ADMIN_STEPS: dict[str, Step] = {
    "publish": lambda w: tasks.create_public_task(CreateTask("Mine", points=1000), w.ada, *uc(w)),
    "edit": lambda w: tasks.edit_task(tasks.EditTask(w.slug, {"points": 1_000_000}), w.ada, *uc(w)),
    "delete": lambda w: tasks.delete_task(w.slug, w.ada, *uc(w)),
    "image": lambda w: tasks.set_task_image(w.slug, b"img", w.ada, w.deps.uow, FakeImages(), FakeMedia(), w.deps.clock),
    "assign": lambda w: assignments.assign_task(w.slug, w.ada.id, w.ada, *uc(w)),
    "review queue": lambda w: listing.review_queue(w.ada, PageRequest(), None, w.deps.uow),  # type: ignore[arg-type]
    "approve": lambda w: assignments.approve(Review(w.submitted, "fine"), w.ada, *uc(w)),
    "reject": lambda w: assignments.reject(Review(w.submitted, "no"), w.ada, *uc(w)),
    "list users": lambda w: listing.users_for_admin(w.ada, None, None, None, PageRequest(), None),  # type: ignore[arg-type]
    "history": lambda w: listing.user_history(w.ada, w.bob.id, None),  # type: ignore[arg-type]
    "promote self": lambda w: admin.update_user(
        admin.UpdateUser(w.ada.id, role=Role.ADMIN), w.ada, *uc(w), w.deps.signed_in
    ),
    "deactivate": lambda w: admin.update_user(
        admin.UpdateUser(w.bob.id, is_active=False), w.ada, *uc(w), w.deps.signed_in
    ),
    "adjust": lambda w: wallet.adjust_wallet(w.ada.id, 500, "free money", w.ada, *uc(w)),
}

NOT_ON_THE_BOARD_FOR_MIA: dict[str, Step] = {
    "publish": lambda w: tasks.create_public_task(CreateTask("Mine"), w.mia, *uc(w)),
    "edit": lambda w: tasks.edit_task(tasks.EditTask(w.slug, {"name": "Hijacked"}), w.mia, *uc(w)),
    "delete": lambda w: tasks.delete_task(w.slug, w.mia, *uc(w)),
    "assign": lambda w: assignments.assign_task(w.slug, w.ada.id, w.mia, *uc(w)),
    "adjust": lambda w: wallet.adjust_wallet(w.mia.id, 5, "x", w.mia, *uc(w)),
}

UNSEEN_BY_MIA: dict[str, Step] = {
    "see": lambda w: assignments.get_assignment(w.submitted, w.mia, w.deps.uow),
    "approve": lambda w: assignments.approve(Review(w.submitted), w.mia, *uc(w)),
    "reject": lambda w: assignments.reject(Review(w.submitted, "no"), w.mia, *uc(w)),
}

ANOTHER_MEMBERS_WORK: dict[str, Step] = {
    "see": lambda w: assignments.get_assignment(w.in_progress, w.bob, w.deps.uow),
    "submit": lambda w: assignments.submit(w.in_progress, "mine now", w.bob, *uc(w)),
    "release": lambda w: assignments.release(w.in_progress, w.bob, *uc(w)),
    "see a submission": lambda w: assignments.get_assignment(w.submitted, w.ada, w.deps.uow),
    "submit a submission": lambda w: assignments.submit(w.submitted, "x", w.ada, *uc(w)),
}

CASES = (
    [(f"member {n}", step, PermissionDenied) for n, step in REVIEWER_AND_ADMIN_STEPS.items()]
    + [(f"manager without projects {n}", step, PermissionDenied) for n, step in NOT_ON_THE_BOARD_FOR_MIA.items()]
    + [(f"manager without projects {n}", step, AssignmentNotFound) for n, step in UNSEEN_BY_MIA.items()]
    + [(f"member {n} of another", step, AssignmentNotFound) for n, step in ANOTHER_MEMBERS_WORK.items()]
    + [
        (
            "outsider sees a project task",
            lambda w: tasks.get_task(w.project_task, w.bob, w.deps.uow, w.deps.clock),
            TaskNotFound,
        )
    ]
)


@pytest.mark.parametrize(("name", "step", "refusal"), CASES, ids=[c[0] for c in CASES])
async def test_refused(name: str, step: Step, refusal: type[DomainError]) -> None:
    w = await world()
    before = dict(vars(fake_store(w.deps)))
    with pytest.raises(DomainError) as refused:
        await step(w)
    assert type(refused.value) is refusal, refused.value
    assert all(vars(fake_store(w.deps))[k] is table for k, table in before.items()), "a refusal changed something"


async def test_nobody_reviews_their_own_submission_nor_is_paid_for_work_they_could_review() -> None:
    w = await world()
    second = await seed_user(w.deps, "second@example.com", role=Role.ADMIN)
    with pytest.raises(ReviewerCannotEarn):  # an admin reviews the whole board: they cannot take its work
        await assignments.claim_task(w.slug, w.admin, *uc(w))
    # Bob, whose work waits, becomes an admin: he may neither review it nor be paid for it.
    store = fake_store(w.deps)
    store.users[w.bob.id] = replace(store.users[w.bob.id], role=Role.ADMIN)
    promoted = store.users[w.bob.id]
    with pytest.raises(OwnSubmission):
        await assignments.approve(Review(w.submitted), promoted, *uc(w))
    with pytest.raises(OwnSubmission):
        await assignments.reject(Review(w.submitted, "Not good enough"), promoted, *uc(w))
    with pytest.raises(PermissionDenied):  # a member reviews nothing, not even their own
        await assignments.approve(Review(w.in_progress), w.ada, *uc(w))
    with pytest.raises(ReviewerCannotEarn):
        await assignments.approve(Review(w.submitted), second, *uc(w))
    assert not [t for t in fake_store(w.deps).transfers.values() if t.kind is TransferKind.REWARD]
    rejected = await assignments.reject(Review(w.submitted, "Reviewers do not earn"), second, *uc(w))
    assert rejected.status == "rejected"


async def test_a_project_manager_reviews_only_in_their_project() -> None:
    w = await world()
    await assignments.submit(w.in_progress, "done", w.ada, *uc(w))
    with pytest.raises(AssignmentNotFound):  # the public board is the admins' to review
        await assignments.approve(Review(w.submitted), w.pam, *uc(w))
    approved = await assignments.approve(Review(w.in_progress), w.pam, *uc(w))
    assert approved.status == "approved"
