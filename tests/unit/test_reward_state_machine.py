"""The reward flow and its ledger as a state machine: random funding, publishing, edits, claims, reviews, deletions
and wallet moves keep SPEC section 4's invariants; the money ones (sum zero, nothing but the treasury below zero,
each balance the sum of its transfers, each escrow what its task can still pay) after every step."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from application.assignments import Review, approve, claim_task, reject, release, submit
from application.budgets import FundProject, fund_project
from application.inbox import mark_all_read, mark_read
from application.projects import CreateProject, create_project
from application.scheduled import auto_approve, auto_approve_one, expire_claim, expire_claims
from application.tasks import CreateTask, EditTask, create_project_task, create_public_task, delete_task, edit_task
from application.wallet import Redeem, adjust_wallet, redeem
from domain.access import ProjectRole
from domain.assignments import OVERTURN_WINDOW
from domain.errors import (
    ActiveClaimHeld,
    AlreadyClaimed,
    AssignmentNotFound,
    BudgetExceeded,
    DomainError,
    IdempotencyKeyReused,
    InsufficientPoints,
    InvalidInput,
    LimitBelowHeldSlots,
    NotificationNotFound,
    OwnSubmission,
    PermissionDenied,
    ReviewerCannotEarn,
    TaskClosed,
    TaskFull,
    TaskNotFound,
    WrongState,
)
from domain.ledger import AccountKind, TransferKind, budget_of, escrow_needed, escrow_of, wallet_of
from domain.notifications import NotificationKind
from domain.users import User
from tests.fakes.services import FakeClock
from tests.fakes.store import FakeUnitOfWorkFactory
from tests.unit.reward_model import (
    ADMIN,
    ALLOWED_STEPS,
    MANAGER,
    MEMBERS,
    ModelAssignment,
    ModelTask,
    Outcome,
    Redemption,
    S,
    seed_users,
)

T = TypeVar("T")
anyone = st.integers(0, MANAGER)
mostly_admin = st.sampled_from([ADMIN] * 5 + [1])
mostly_the_owner = st.none() | st.none() | anyone
claimers = st.sampled_from([1, 2, 3] * 2 + [ADMIN, MANAGER])
notes = st.sampled_from(["", "Coffee"])
verdicts = st.sampled_from([("reject", "Needs a test"), ("approve", ""), ("reject", "Typo"), ("reject", " ")])
keys = st.sampled_from(["k1", " k1 ", "k2", "k3", "   "]) | st.text(min_size=1, max_size=4)
task_fields = {
    "points": st.sampled_from([0, 1, 7, 50]),
    "claim_limit": st.integers(1, 3),
    "claim_duration_seconds": st.sampled_from([None, None, 3600]),
    "auto_approve_after_seconds": st.sampled_from([None, 2 * 24 * 3600]),
}
EDITS: list[dict[str, Any]] = [
    {"points": 0},
    {"points": 3},
    {"points": 60},
    {"points": 400},
    {"claim_limit": 1},
    {"claim_limit": 1},
    {"claim_limit": 3},
    {"is_open": False},
    {"is_open": False},
    {"is_open": True},
    {"points": 9, "claim_limit": 2},
]
edits = st.sampled_from(EDITS)
fundings = st.sampled_from([10, 60, 200, -15, -120, 0])
clock_steps = [timedelta(minutes=5), timedelta(minutes=50), timedelta(hours=2), timedelta(days=29), OVERTURN_WINDOW]
OVERTURN_EDGE = [OVERTURN_WINDOW, OVERTURN_WINDOW + timedelta(seconds=1)]


class RewardMachine(RuleBasedStateMachine):
    """Every step goes through a use case; a model predicts its outcome, down to the exact domain error."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock()
        self.uow = FakeUnitOfWorkFactory()
        self.users = seed_users(self.uow, self.clock.now())
        project = self.loop.run_until_complete(
            create_project(CreateProject("Site"), self.users[MANAGER], self.uow, self.clock)
        )
        self.project, self.project_slug = project.id, project.slug
        for member in self.users[1 : MEMBERS + 1]:
            self.uow.store.memberships[(project.id, member.id)] = ProjectRole.MEMBER
        self.tasks: dict[UUID, ModelTask] = {}
        self.assignments: dict[UUID, ModelAssignment] = {}
        self.balances: Counter[UUID] = Counter()
        self.budget = 0
        self.published = 0
        self.redemptions: dict[tuple[UUID, str], Redemption] = {}
        self.notified: Counter[tuple[UUID, NotificationKind]] = Counter()
        self.emailed: Counter[tuple[str, str]] = Counter()
        self.seen_statuses: dict[UUID, S] = {}
        self.seen_transfers: dict[UUID, Any] = {}
        self.seen_reads: dict[UUID, datetime] = {}

    def teardown(self) -> None:
        self.loop.close()

    @property
    def store(self) -> Any:
        return self.uow.store

    def user(self, user_id: UUID) -> User:
        return next(u for u in self.users if u.id == user_id)

    def attempt(self, step: Coroutine[Any, Any, T], expected: Outcome) -> T | None:
        """Runs one use case; `expected` is the exact domain error the model predicts, None for success."""
        before = dict(vars(self.store))
        try:
            result = self.loop.run_until_complete(step)
        except DomainError as error:
            refusal = error
        else:
            assert expected is None, f"expected {expected.__name__}, but the step succeeded"
            return result
        assert type(refusal) is expected, f"expected {expected and expected.__name__}, got {refusal!r}"
        assert all(vars(self.store)[name] is held for name, held in before.items()), "a refused step committed"
        return None

    def mine(self, task_id: UUID) -> list[ModelAssignment]:
        return [a for a in self.assignments.values() if a.task_id == task_id]

    def escrow(self, task_id: UUID) -> int:
        return self.tasks[task_id].escrow_needed(self.mine(task_id))

    def step(self, model: ModelAssignment, status: S) -> None:
        """Moves the model's assignment on; a slot of a closed task that no approval can draw any more (released,
        expired, rejected) returns its points from the escrow to where they came from."""
        before = self.escrow(model.task_id)
        model.status = status
        if self.tasks[model.task_id].in_project:
            self.budget += before - self.escrow(model.task_id)

    def reviews(self, user: User, task: ModelTask) -> bool:
        return user.is_admin or (task.in_project and user is self.users[MANAGER])

    def in_state(self, status: S) -> list[UUID]:
        return sorted(i for i, a in self.assignments.items() if a.status is status)

    def open_work(self) -> list[UUID]:
        return sorted(i for i, a in self.assignments.items() if a.status in (S.IN_PROGRESS, S.SUBMITTED))

    def live_tasks(self) -> list[UUID]:
        return sorted(i for i, t in self.tasks.items() if not t.deleted)

    # The steps. Each predicts its outcome from the model, runs the use case, then moves the model along.

    def fund(self, points: int, by: User) -> None:
        expected: Outcome = None
        if not by.is_admin:
            expected = PermissionDenied
        elif points == 0:
            expected = InvalidInput
        elif self.budget + points < 0:
            expected = BudgetExceeded
        cmd = FundProject(self.project_slug, points, "Quarterly budget")
        summary = self.attempt(fund_project(cmd, by, self.uow, self.clock), expected)
        if summary is not None:
            self.budget += points
            assert summary.available == self.budget

    def create_task(self, in_project: bool, **fields: Any) -> None:
        needed = fields["points"] * fields["claim_limit"]
        expected = BudgetExceeded if in_project and needed > self.budget else None
        self.published += 1  # a name, so a slug, never used before: a deleted task's slug is not taken again
        cmd = CreateTask(f"Task {self.published}", **fields)
        if in_project:
            step = create_project_task(self.project_slug, cmd, self.users[MANAGER], self.uow, self.clock)
        else:
            step = create_public_task(cmd, self.users[ADMIN], self.uow, self.clock)
        task = self.attempt(step, expected)
        if task is not None:
            self.budget -= needed if in_project else 0
            self.tasks[task.id] = ModelTask(task.slug, in_project, **fields)

    def edit(self, task_id: UUID, editor: User, changes: dict[str, Any]) -> None:
        task, before = self.tasks[task_id], self.escrow(task_id)
        edited = task.edited(changes)
        gap = edited.escrow_needed(self.mine(task_id)) - before
        expected: Outcome = None
        if task.deleted:
            expected = TaskNotFound
        elif not self.reviews(editor, task):
            expected = PermissionDenied
        elif edited.claim_limit < sum(a.holds_slot for a in self.mine(task_id)):
            expected = LimitBelowHeldSlots
        elif task.in_project and gap > self.budget:
            expected = BudgetExceeded
        if self.attempt(edit_task(EditTask(task.slug, changes), editor, self.uow, self.clock), expected) is not None:
            self.tasks[task_id] = edited
            self.budget -= gap if task.in_project else 0

    def delete(self, task_id: UUID, by: User) -> None:
        task, held = self.tasks[task_id], self.escrow(task_id)
        expected = TaskNotFound if task.deleted else None if self.reviews(by, task) else PermissionDenied
        self.attempt(delete_task(task.slug, by, self.uow, self.clock), expected)
        if expected is None:
            task.deleted = True
            self.budget += held if task.in_project else 0
            for model in self.mine(task_id):
                if model.status is S.IN_PROGRESS:
                    model.status = S.RELEASED
                    self.notified[model.user_id, NotificationKind.CLAIM_RELEASED] += 1

    def claim(self, task_id: UUID, user: User) -> None:
        task, mine = self.tasks[task_id], [a for a in self.assignments.values() if a.user_id == user.id]
        expected: Outcome = None
        if task.deleted:
            expected = TaskNotFound
        elif self.reviews(user, task):
            expected = ReviewerCannotEarn
        elif any(a.task_id == task_id for a in mine):
            expected = AlreadyClaimed
        elif any(a.status is S.IN_PROGRESS for a in mine):
            expected = ActiveClaimHeld
        elif not task.is_open:
            expected = TaskClosed
        elif sum(a.holds_slot for a in self.mine(task_id)) >= task.claim_limit:
            expected = TaskFull
        assignment = self.attempt(claim_task(task.slug, user, self.uow, self.clock), expected)
        if assignment is not None:
            seconds = task.claim_duration_seconds
            expires_at = self.clock.now() + timedelta(seconds=seconds) if seconds else None
            assert (assignment.status, assignment.expires_at) == (S.IN_PROGRESS, expires_at)
            self.assignments[assignment.id] = ModelAssignment(task_id, user.id, S.IN_PROGRESS, expires_at)

    def own_step_refusal(self, model: ModelAssignment, user: User) -> Outcome:
        if user.id != model.user_id or self.tasks[model.task_id].deleted:
            return AssignmentNotFound
        return None

    def submit(self, assignment_id: UUID, user: User) -> None:
        model = self.assignments[assignment_id]
        expected = self.own_step_refusal(model, user)
        if expected is None and (
            model.status is not S.IN_PROGRESS or (model.expires_at and self.clock.now() >= model.expires_at)
        ):
            expected = WrongState
        if self.attempt(submit(assignment_id, " done ", user, self.uow, self.clock), expected) is not None:
            task = self.tasks[model.task_id]
            delay = task.auto_approve_after_seconds
            model.status = S.SUBMITTED
            model.auto_approve_at = self.clock.now() + timedelta(seconds=delay) if delay else None
            reviewers = [self.users[MANAGER]] if task.in_project else [u for u in self.users if u.is_admin]
            for reviewer in (r for r in reviewers if r.id != user.id):
                self.notified[reviewer.id, NotificationKind.SUBMISSION_WAITING] += 1

    def release(self, assignment_id: UUID, user: User) -> None:
        model = self.assignments[assignment_id]
        expected = self.own_step_refusal(model, user)
        if expected is None and model.status is not S.IN_PROGRESS:
            expected = WrongState
        if self.attempt(release(assignment_id, user, self.uow, self.clock), expected) is not None:
            self.step(model, S.RELEASED)

    def review_refusal(self, reviewer: User, model: ModelAssignment) -> Outcome:
        task = self.tasks[model.task_id]
        if not (reviewer.is_admin or reviewer is self.users[MANAGER]):
            return PermissionDenied
        if task.deleted:
            return AssignmentNotFound
        if not self.reviews(reviewer, task):
            return PermissionDenied if model.user_id == reviewer.id else AssignmentNotFound
        return OwnSubmission if model.user_id == reviewer.id else None

    def approve(self, assignment_id: UUID, reviewer: User, feedback: str) -> None:
        """Approves a submission or overturns a rejection, as the `approve` use case does."""
        model, now = self.assignments[assignment_id], self.clock.now()
        task = self.tasks[model.task_id]
        expected = self.review_refusal(reviewer, model)
        if expected is None and model.status is S.REJECTED:
            assert model.reviewed_at is not None
            if now - model.reviewed_at > OVERTURN_WINDOW:
                expected = WrongState
            elif sum(a.holds_slot for a in self.mine(model.task_id)) >= task.claim_limit:
                expected = TaskFull
            elif not task.is_open:
                expected = TaskClosed
        elif expected is None and model.status is not S.SUBMITTED:
            expected = WrongState
        approved = self.attempt(approve(Review(assignment_id, feedback), reviewer, self.uow, self.clock), expected)
        if approved is not None:
            assert (approved.status, approved.reviewed_at) == (S.APPROVED, now)
            self.approved(model, reviewer.id)

    def approved(self, model: ModelAssignment, reviewer_id: UUID | None) -> None:
        model.status, model.reviewed_at, model.reviewer_id = S.APPROVED, self.clock.now(), reviewer_id
        model.paid = self.tasks[model.task_id].points
        model.history.append((S.APPROVED, reviewer_id))
        self.balances[model.user_id] += model.paid
        self.notified[model.user_id, NotificationKind.CLAIM_APPROVED] += 1
        self.emailed[self.user(model.user_id).email, "approved"] += 1

    def reject(self, assignment_id: UUID, reviewer: User, feedback: str) -> None:
        model = self.assignments[assignment_id]
        expected = self.review_refusal(reviewer, model)
        if expected is None and model.status is not S.SUBMITTED:
            expected = WrongState
        elif expected is None and not feedback.strip():
            expected = InvalidInput
        rejected = self.attempt(reject(Review(assignment_id, feedback), reviewer, self.uow, self.clock), expected)
        if rejected is not None:
            assert (rejected.status, rejected.feedback) == (S.REJECTED, feedback.strip())
            self.step(model, S.REJECTED)
            model.reviewed_at, model.reviewer_id = self.clock.now(), reviewer.id
            model.history.append((S.REJECTED, reviewer.id))
            self.notified[model.user_id, NotificationKind.CLAIM_REJECTED] += 1
            self.emailed[self.user(model.user_id).email, "rejected"] += 1

    def redeem(self, user: User, points: int, note: str, key: str) -> None:
        earlier = self.redemptions.get((user.id, key.strip()))
        expected: Outcome = None
        if not key.strip():
            expected = InvalidInput
        elif earlier is not None and (earlier.points, earlier.note) != (points, note):
            expected = IdempotencyKeyReused
        elif earlier is None and points < 1:
            expected = InvalidInput
        elif earlier is None and self.balances[user.id] < points:
            expected = InsufficientPoints
        answer = self.attempt(redeem(Redeem(points, note, key), user, self.uow, self.clock), expected)
        if answer is None:
            return
        posting, made_now = answer
        if earlier is not None:
            assert not made_now
            assert (posting.entry.id, posting.balance) == (earlier.transfer_id, earlier.balance)
            return
        self.balances[user.id] -= points
        assert made_now
        assert (posting.entry.kind, posting.entry.points, posting.balance) == (
            TransferKind.REDEMPTION,
            -points,
            self.balances[user.id],
        )
        self.redemptions[user.id, key.strip()] = Redemption(points, note, posting.entry.id, posting.balance)

    def adjust(self, user: User, points: int, reason: str, admin: User) -> None:
        expected: Outcome = None
        if not admin.is_admin:
            expected = PermissionDenied
        elif points == 0 or not reason.strip():
            expected = InvalidInput
        elif self.balances[user.id] + points < 0:
            expected = InsufficientPoints
        posting = self.attempt(adjust_wallet(user.id, points, reason, admin, self.uow, self.clock), expected)
        if posting is not None:
            self.balances[user.id] += points
            assert posting.balance == self.balances[user.id]

    # The rules hypothesis chooses from.

    @initialize(
        budget=st.sampled_from([0, 30, 500]),
        claimed_by=st.lists(st.integers(1, MEMBERS), unique=True, max_size=MEMBERS),
        in_project=st.booleans(),
        **task_fields,
    )
    def fund_publish_and_claim(self, budget: int, claimed_by: list[int], in_project: bool, **fields: Any) -> None:
        if budget:
            self.fund(budget, self.users[ADMIN])
        self.create_task(in_project, **fields)
        for who in claimed_by if self.tasks else []:
            self.claim(next(iter(self.tasks)), self.users[who])

    @rule(points=fundings, by=mostly_admin, now=st.integers(0, 2))
    def fund_the_project(self, points: int, by: int, now: int) -> None:
        """An admin grants the project's budget points, or takes back what it holds; anyone else is refused."""
        if now == 0:  # a third of the time: budgets change less often than work moves
            self.fund(points, self.users[by])

    @precondition(lambda self: len(self.tasks) < 10)
    @rule(in_project=st.booleans(), **task_fields)
    def publish_a_task(self, in_project: bool, **fields: Any) -> None:
        """Publishing reserves points x limit: from the budget (refused beyond it), or the treasury."""
        self.create_task(in_project, **fields)

    @precondition(lambda self: self.tasks)
    @rule(data=st.data(), changes=edits, by=st.sampled_from(["reviewer", "reviewer", "reviewer", ADMIN, 1]))
    def edit_a_task(self, data: st.DataObject, changes: dict[str, Any], by: int | str) -> None:
        """New points, limit or open state reserve the difference, or return it; mostly by its own reviewer."""
        task_id = data.draw(st.sampled_from(sorted(self.tasks)))
        reviewer = MANAGER if self.tasks[task_id].in_project else ADMIN
        self.edit(task_id, self.users[reviewer if by == "reviewer" else int(by)], changes)

    @precondition(lambda self: self.live_tasks())
    @rule(data=st.data(), by=st.sampled_from([ADMIN, MANAGER, MANAGER, 2]), now=st.integers(0, 3))
    def delete_a_task(self, data: st.DataObject, by: int, now: int) -> None:
        if now == 0:  # a quarter of the time, or little work would be left to do
            self.delete(data.draw(st.sampled_from(self.live_tasks())), self.users[by])

    @precondition(lambda self: self.tasks)
    @rule(data=st.data(), who=claimers)
    def claim_a_task(self, data: st.DataObject, who: int) -> None:
        self.claim(data.draw(st.sampled_from(sorted(self.tasks))), self.users[who])

    @precondition(lambda self: self.in_state(S.IN_PROGRESS))
    @rule(data=st.data())
    def finish_work(self, data: st.DataObject) -> None:
        """Its member (or, now and then, someone else) submits or releases work in progress."""
        assignment_id = data.draw(st.sampled_from(self.in_state(S.IN_PROGRESS)))
        who, step = data.draw(mostly_the_owner), data.draw(st.sampled_from(["submit"] * 3 + ["release"]))
        owner = self.user(self.assignments[assignment_id].user_id)
        getattr(self, step)(assignment_id, owner if who is None else self.users[who])

    @precondition(lambda self: self.in_state(S.SUBMITTED))
    @rule(data=st.data(), by=st.sampled_from([ADMIN, ADMIN, MANAGER]))
    def review(self, data: st.DataObject, by: int) -> None:
        """A reviewer approves a submission or rejects it, with feedback or (refused) without."""
        assignment_id = data.draw(st.sampled_from(self.in_state(S.SUBMITTED)))
        verdict, feedback = data.draw(verdicts)
        getattr(self, verdict)(assignment_id, self.users[by], feedback)

    @precondition(lambda self: self.in_state(S.REJECTED))
    @rule(data=st.data())
    def overturn(self, data: st.DataObject) -> None:
        """The admin turns a rejection into an approval: allowed for 30 days, if the slot is still free.

        Sometimes the admin waits first until exactly 30 days, or a second more, have passed since the rejection.
        """
        assignment_id = data.draw(st.sampled_from(self.in_state(S.REJECTED)))
        wait = data.draw(st.sampled_from([None, *OVERTURN_EDGE]))
        reviewed_at = self.assignments[assignment_id].reviewed_at
        assert reviewed_at is not None
        if wait is not None and reviewed_at + wait > self.clock.now():
            self.clock.advance(reviewed_at + wait - self.clock.now())
        self.approve(assignment_id, self.users[ADMIN], "Fine after all")

    @precondition(lambda self: self.assignments)
    @rule(data=st.data(), step=st.sampled_from(["submit", "release", "approve", "reject"]), who=anyone)
    def step_out_of_turn(self, data: st.DataObject, step: str, who: int) -> None:
        """Any step on any assignment by anyone: the refusals the state machine and the roles call for."""
        assignment_id, user = data.draw(st.sampled_from(sorted(self.assignments))), self.users[who]
        if step in ("submit", "release"):
            getattr(self, step)(assignment_id, user)
        else:
            getattr(self, step)(assignment_id, user, "Because")

    @rule(data=st.data(), who=anyone, move=st.sampled_from(["redeem", "retry", "adjust"]))
    def move_points(self, data: st.DataObject, who: int, move: str) -> None:
        """Redeems, retries an earlier redemption, or has an admin adjust a wallet."""
        user = self.users[who]
        if move == "retry" and self.redemptions:
            user_id, key = data.draw(st.sampled_from(sorted(self.redemptions)))
            earlier, change = self.redemptions[user_id, key], data.draw(st.sampled_from(["nothing", "points", "note"]))
            points = earlier.points + (change == "points")
            note = earlier.note + ("!" if change == "note" else "")
            self.redeem(self.user(user_id), points, note, data.draw(st.sampled_from(["", " "])).join(["", key, ""]))
        elif move == "adjust":
            reason, by = data.draw(st.sampled_from(["Bonus", "Correction", " "])), self.users[data.draw(mostly_admin)]
            self.adjust(user, data.draw(st.integers(-30, 60)), reason, by)
        else:
            self.redeem(user, data.draw(st.sampled_from([1, 5, 20, 0, -1])), data.draw(notes), data.draw(keys))

    @rule(delta=st.sampled_from(clock_steps), then_the_jobs_run=st.booleans())
    def let_time_pass(self, delta: timedelta, then_the_jobs_run: bool) -> None:
        """Minutes to a month pass; then, now and then, the scheduler runs the jobs that are due."""
        self.clock.advance(delta)
        if then_the_jobs_run:
            self.run_the_scheduled_jobs()

    def run_the_scheduled_jobs(self) -> None:
        """Expires claims and auto-approves submissions that are due; a job delivered twice, or early, does nothing.
        A deleted task's submission is never approved: nobody can review it any more."""
        uow, clock, now = self.uow, self.clock, self.clock.now()
        due = {
            i: a
            for i, a in self.assignments.items()
            if (a.status is S.IN_PROGRESS and a.expires_at and a.expires_at <= now)
            or (a.status is S.SUBMITTED and a.auto_approve_at and a.auto_approve_at <= now)
        }
        due = {i: a for i, a in due.items() if not self.tasks[a.task_id].deleted}
        expiring = [i for i, a in due.items() if a.status is S.IN_PROGRESS]
        assert self.attempt(expire_claims(uow, clock), None) == len(expiring)
        assert self.attempt(auto_approve(uow, clock), None) == len(due) - len(expiring)
        for model in due.values():
            if model.status is S.IN_PROGRESS:
                self.step(model, S.EXPIRED)
                self.notified[model.user_id, NotificationKind.CLAIM_EXPIRED] += 1
            else:
                self.approved(model, None)
        for assignment_id in due.keys() | self.open_work():
            assert self.attempt(expire_claim(assignment_id, uow, clock), None) == 0
            assert self.attempt(auto_approve_one(assignment_id, uow, clock), None) == 0
        assert self.attempt(expire_claims(uow, clock), None) == self.attempt(auto_approve(uow, clock), None) == 0

    @precondition(lambda self: self.store.notifications)
    @rule(data=st.data(), who=anyone, everything=st.booleans())
    def read_notifications(self, data: st.DataObject, who: int, everything: bool) -> None:
        user = self.users[who]
        if everything:
            unread = sum(n.user_id == user.id and n.read_at is None for n in self.store.notifications.values())
            assert self.attempt(mark_all_read(user, self.uow, self.clock), None) == unread
            return
        note = self.store.notifications[data.draw(st.sampled_from(sorted(self.store.notifications)))]
        expected = NotificationNotFound if user.id != note.user_id else None
        self.attempt(mark_read(note.id, user, self.uow, self.clock), expected)

    # The invariants of SPEC section 4, checked on the committed state after every step.

    @invariant()
    def slots_match_the_work_holding_them(self) -> None:
        for task in self.store.tasks.values():
            mine = [a for a in self.store.assignments.values() if a.task_id == task.id]
            assert sum(a.holds_slot for a in mine) == task.slots_taken <= task.claim_limit, task
            assert sum(a.status is S.APPROVED for a in mine) == task.approved_slots, task

    @invariant()
    def one_assignment_per_task_and_user_and_one_active_claim_per_user(self) -> None:
        pairs = Counter((a.task_id, a.user_id) for a in self.store.assignments.values())
        assert max(pairs.values(), default=0) <= 1
        active = Counter(a.user_id for a in self.store.assignments.values() if a.is_active_claim)
        assert max(active.values(), default=0) <= 1

    @invariant()
    def nobody_holds_work_they_review(self) -> None:
        for a in self.store.assignments.values():
            assert not self.reviews(self.user(a.user_id), self.tasks[a.task_id]), a

    @invariant()
    def assignments_follow_the_state_machine_and_keep_every_review(self) -> None:
        assert self.store.assignments.keys() == self.assignments.keys()
        for a in self.store.assignments.values():
            model = self.assignments[a.id]
            assert a.status is model.status
            previous = self.seen_statuses.get(a.id, S.IN_PROGRESS)
            assert a.status is previous or (previous, a.status) in ALLOWED_STEPS, (previous, a)
            self.seen_statuses[a.id] = a.status
            if a.status in (S.SUBMITTED, S.APPROVED, S.REJECTED):
                assert a.submitted_at is not None
            if a.status in (S.APPROVED, S.REJECTED):
                assert a.reviewed_at is not None
                assert a.reviewer_id != a.user_id
                assert (a.reviewed_at, a.reviewer_id) == (model.reviewed_at, model.reviewer_id)
            if a.status is S.REJECTED:
                assert a.feedback.strip()
            history = sorted((r for r in self.store.reviews.values() if r.assignment_id == a.id), key=lambda r: r.at)
            assert [(r.status, r.reviewer_id) for r in history] == model.history

    @invariant()
    def money_sums_to_zero_and_only_the_treasury_is_below_it(self) -> None:
        accounts = list(self.store.accounts.values())
        assert sum(a.balance for a in accounts) == 0
        assert all(a.balance >= 0 for a in accounts if a.key.kind is not AccountKind.TREASURY), accounts

    @invariant()
    def every_balance_is_the_sum_of_its_immutable_transfers(self) -> None:
        for transfer_id, transfer in self.seen_transfers.items():
            assert self.store.transfers.get(transfer_id) == transfer, "transfers are never updated or deleted"
        self.seen_transfers = dict(self.store.transfers)
        transfers = list(self.store.transfers.values())
        for account in self.store.accounts.values():
            touching = (t.points_for(account.key) for t in transfers if account.key in (t.debit, t.credit))
            assert account.balance == sum(touching), account

    @invariant()
    def budget_escrows_and_wallets_hold_what_the_model_says(self) -> None:
        def balance(key: Any) -> int:
            found = self.store.accounts.get(key.id)
            return 0 if found is None else int(found.balance)

        assert balance(budget_of(self.project)) == self.budget
        for task_id in self.tasks:
            assert balance(escrow_of(task_id)) == self.escrow(task_id) == escrow_needed(self.store.tasks[task_id])
        for user in self.users:
            assert balance(wallet_of(user.id)) == self.balances[user.id]

    @invariant()
    def approvals_pay_exactly_once_from_their_tasks_escrow(self) -> None:
        rewards = [t for t in self.store.transfers.values() if t.kind is TransferKind.REWARD]
        assert max(Counter(t.assignment_id for t in rewards).values(), default=0) <= 1
        for a in self.store.assignments.values():
            paid = [t for t in rewards if t.assignment_id == a.id]
            assert [t.amount for t in paid] == ([self.assignments[a.id].paid] if self.assignments[a.id].paid else [])
            assert all((t.debit, t.credit) == (escrow_of(a.task_id), wallet_of(a.user_id)) for t in paid)

    @invariant()
    def each_idempotency_key_made_one_redemption(self) -> None:
        kind = TransferKind.REDEMPTION
        redemptions = sorted(str(t.id) for t in self.store.transfers.values() if t.kind is kind)
        records = {(u, k): r.result_ref.partition(":")[0] for (u, k), r in self.store.idempotency.items()}
        assert sorted(records.values()) == redemptions
        assert records == {(u, k): str(r.transfer_id) for (u, k), r in self.redemptions.items()}

    @invariant()
    def people_hear_about_their_work_and_reads_stick(self) -> None:
        assert Counter((n.user_id, n.kind) for n in self.store.notifications.values()) == self.notified
        emails = (m.as_email() for m in self.store.outbox.values() if m.job == "send_email")
        assert Counter((e.to, e.template) for e in emails) == self.emailed
        for note_id, read_at in self.seen_reads.items():
            assert self.store.notifications[note_id].read_at == read_at
        self.seen_reads = {n.id: n.read_at for n in self.store.notifications.values() if n.read_at is not None}


RewardMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestRewardStateMachine = RewardMachine.TestCase
