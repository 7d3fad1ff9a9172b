"""The reward flow as a state machine: random claims, reviews and wallet moves keep SPEC section 4's invariants."""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from application.assignments import Review, approve, claim_task, reject, release, submit
from application.inbox import mark_all_read, mark_read
from application.scheduled import auto_approve, auto_approve_one, expire_claim, expire_claims
from application.tasks import CreateTask, create_public_task
from application.wallet import Redeem, adjust_wallet, redeem
from domain.assignments import OVERTURN_WINDOW, SLOT_HOLDING, AssignmentStatus
from domain.errors import (
    ActiveClaimHeld,
    AlreadyClaimed,
    AssignmentNotFound,
    DomainError,
    IdempotencyKeyReused,
    InsufficientPoints,
    InvalidInput,
    NotificationNotFound,
    OwnSubmission,
    PermissionDenied,
    TaskFull,
    WrongState,
)
from domain.notifications import NotificationKind
from domain.users import Role, User
from domain.wallets import EntryKind, Wallet
from tests.fakes.services import FakeClock
from tests.fakes.store import FakeUnitOfWorkFactory

T = TypeVar("T")
S = AssignmentStatus
Outcome = type[DomainError] | None
ALLOWED_STEPS = {
    (S.IN_PROGRESS, S.SUBMITTED),
    (S.IN_PROGRESS, S.RELEASED),
    (S.IN_PROGRESS, S.EXPIRED),
    (S.SUBMITTED, S.APPROVED),
    (S.SUBMITTED, S.REJECTED),
    (S.REJECTED, S.APPROVED),
}
ADMIN, MEMBERS = 0, 3
anyone = st.integers(0, MEMBERS)
mostly_admin = st.sampled_from([ADMIN] * 5 + [1])
mostly_the_owner = st.none() | st.none() | anyone
claimers = st.sampled_from([1, 2, 3] * 2 + [ADMIN])
notes = st.sampled_from(["", "Coffee"])
verdicts = st.sampled_from([("reject", "Needs a test"), ("approve", ""), ("reject", "Typo"), ("reject", " ")])
keys = st.sampled_from(["k1", " k1 ", "k2", "k3", "   "]) | st.text(min_size=1, max_size=4)
task_fields = {
    "points": st.sampled_from([0, 1, 7, 50]),
    "claim_limit": st.integers(1, 3),
    "claim_duration_seconds": st.sampled_from([None, None, 3600]),
    "auto_approve_after_seconds": st.sampled_from([None, 2 * 24 * 3600]),
}
clock_steps = [timedelta(minutes=5), timedelta(minutes=50), timedelta(hours=2), timedelta(days=29), OVERTURN_WINDOW]
OVERTURN_EDGE = [OVERTURN_WINDOW, OVERTURN_WINDOW + timedelta(seconds=1)]


def seed_users(uow: FakeUnitOfWorkFactory, now: datetime) -> list[User]:
    people = [("root@example.com", Role.ADMIN)] + [(f"m{i}@example.com", Role.MEMBER) for i in range(1, MEMBERS + 1)]
    users = [User(email, email.split("@")[0], role, "irrelevant", now) for email, role in people]
    uow.store.users.update({u.id: copy.deepcopy(u) for u in users})
    return users


@dataclass
class ModelTask:
    slug: str
    points: int
    claim_limit: int
    claim_duration_seconds: int | None
    auto_approve_after_seconds: int | None


@dataclass
class ModelAssignment:
    task_id: UUID
    user_id: UUID
    status: S
    expires_at: datetime | None
    auto_approve_at: datetime | None = None
    reviewed_at: datetime | None = None
    reviewer_id: UUID | None = None


@dataclass(frozen=True)
class Redemption:
    points: int
    note: str
    entry_id: UUID
    balance: int


class RewardMachine(RuleBasedStateMachine):
    """Every step goes through a use case; a model predicts its outcome, down to the exact domain error."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock()
        self.uow = FakeUnitOfWorkFactory()
        self.users = seed_users(self.uow, self.clock.now())
        self.tasks: dict[UUID, ModelTask] = {}
        self.assignments: dict[UUID, ModelAssignment] = {}
        self.balances: Counter[UUID] = Counter()
        self.redemptions: dict[tuple[UUID, str], Redemption] = {}
        self.notified: Counter[tuple[UUID, NotificationKind]] = Counter()
        self.emailed: Counter[tuple[str, str]] = Counter()
        self.seen_statuses: dict[UUID, S] = {}
        self.seen_entries: dict[UUID, Any] = {}
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

    def held(self, task_id: UUID) -> int:
        return sum(a.task_id == task_id and a.status in SLOT_HOLDING for a in self.assignments.values())

    def in_state(self, status: S, *, of_members: bool = False) -> list[UUID]:
        admin = self.users[ADMIN].id
        mine = (i for i, a in self.assignments.items() if a.status is status)
        return sorted(i for i in mine if not (of_members and self.assignments[i].user_id == admin))

    def open_work(self) -> list[UUID]:
        return sorted(i for i, a in self.assignments.items() if a.status in (S.IN_PROGRESS, S.SUBMITTED))

    # The steps. Each predicts its outcome from the model, runs the use case, then moves the model along.

    def create_task(self, **fields: Any) -> UUID:
        task = self.attempt(
            create_public_task(CreateTask("Write docs", **fields), self.users[ADMIN], self.uow, self.clock), None
        )
        assert task is not None
        self.tasks[task.id] = ModelTask(task.slug, **fields)
        return task.id

    def claim(self, task_id: UUID, user: User) -> None:
        task = self.tasks[task_id]
        mine = [a for a in self.assignments.values() if a.user_id == user.id]
        expected: Outcome = None
        if any(a.task_id == task_id for a in mine):
            expected = AlreadyClaimed
        elif any(a.status is S.IN_PROGRESS for a in mine):
            expected = ActiveClaimHeld
        elif self.held(task_id) >= task.claim_limit:
            expected = TaskFull
        assignment = self.attempt(claim_task(task.slug, user, self.uow, self.clock), expected)
        if assignment is not None:
            seconds = task.claim_duration_seconds
            expires_at = self.clock.now() + timedelta(seconds=seconds) if seconds else None
            assert (assignment.status, assignment.expires_at) == (S.IN_PROGRESS, expires_at)
            self.assignments[assignment.id] = ModelAssignment(task_id, user.id, S.IN_PROGRESS, expires_at)

    def submit(self, assignment_id: UUID, user: User) -> None:
        model = self.assignments[assignment_id]
        expected: Outcome = None
        if user.id != model.user_id:
            expected = AssignmentNotFound
        elif model.status is not S.IN_PROGRESS or (model.expires_at and self.clock.now() >= model.expires_at):
            expected = WrongState
        if self.attempt(submit(assignment_id, " done ", user, self.uow, self.clock), expected) is not None:
            delay = self.tasks[model.task_id].auto_approve_after_seconds
            model.status = S.SUBMITTED
            model.auto_approve_at = self.clock.now() + timedelta(seconds=delay) if delay else None
            for admin in (u for u in self.users if u.is_admin and u.id != user.id):
                self.notified[admin.id, NotificationKind.SUBMISSION_WAITING] += 1

    def release(self, assignment_id: UUID, user: User) -> None:
        model = self.assignments[assignment_id]
        expected: Outcome = None
        if user.id != model.user_id:
            expected = AssignmentNotFound
        elif model.status is not S.IN_PROGRESS:
            expected = WrongState
        if self.attempt(release(assignment_id, user, self.uow, self.clock), expected) is not None:
            model.status = S.RELEASED

    def review_refusal(self, reviewer: User, model: ModelAssignment) -> Outcome:
        if not reviewer.is_admin:
            return PermissionDenied
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
            elif self.held(model.task_id) >= task.claim_limit:
                expected = TaskFull
        elif expected is None and model.status is not S.SUBMITTED:
            expected = WrongState
        approved = self.attempt(approve(Review(assignment_id, feedback), reviewer, self.uow, self.clock), expected)
        if approved is not None:
            assert (approved.status, approved.reviewed_at) == (S.APPROVED, now)
            assert self.store.assignments[assignment_id].reviewer_id == reviewer.id
            self.approved(model, reviewer.id)

    def approved(self, model: ModelAssignment, reviewer_id: UUID | None) -> None:
        model.status, model.reviewed_at, model.reviewer_id = S.APPROVED, self.clock.now(), reviewer_id
        self.balances[model.user_id] += self.tasks[model.task_id].points
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
            model.status, model.reviewed_at, model.reviewer_id = S.REJECTED, self.clock.now(), reviewer.id
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
            assert (posting.entry.id, posting.balance) == (earlier.entry_id, earlier.balance)
            return
        self.balances[user.id] -= points
        assert made_now
        assert (posting.entry.kind, posting.entry.points, posting.balance) == (
            EntryKind.REDEMPTION,
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

    @initialize(claimed_by=st.lists(st.integers(1, MEMBERS), unique=True, max_size=MEMBERS), **task_fields)
    def publish_a_task_and_claim_it(self, claimed_by: list[int], **fields: Any) -> None:
        task_id = self.create_task(**fields)
        for who in claimed_by:
            self.claim(task_id, self.users[who])

    @precondition(lambda self: len(self.tasks) < 10)
    @rule(**task_fields)
    def publish_a_task(self, **fields: Any) -> None:
        self.create_task(**fields)

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

    @precondition(lambda self: self.in_state(S.SUBMITTED, of_members=True))
    @rule(data=st.data())
    def review(self, data: st.DataObject) -> None:
        """The admin approves a member's submission or rejects it, with feedback or (refused) without."""
        assignment_id = data.draw(st.sampled_from(self.in_state(S.SUBMITTED, of_members=True)))
        verdict, feedback = data.draw(verdicts)
        getattr(self, verdict)(assignment_id, self.users[ADMIN], feedback)

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
        """Expires claims and auto-approves submissions that are due; a job delivered twice, or early, does nothing."""
        uow, clock, now = self.uow, self.clock, self.clock.now()
        due = {
            i: a
            for i, a in self.assignments.items()
            if (a.status is S.IN_PROGRESS and a.expires_at and a.expires_at <= now)
            or (a.status is S.SUBMITTED and a.auto_approve_at and a.auto_approve_at <= now)
        }
        expiring = [i for i, a in due.items() if a.status is S.IN_PROGRESS]
        assert self.attempt(expire_claims(uow, clock), None) == len(expiring)
        assert self.attempt(auto_approve(uow, clock), None) == len(due) - len(expiring)
        for model in due.values():
            if model.status is S.IN_PROGRESS:
                model.status = S.EXPIRED
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
            holding = [a for a in self.store.assignments.values() if a.task_id == task.id and a.holds_slot]
            assert len(holding) == task.slots_taken <= task.claim_limit, task

    @invariant()
    def one_assignment_per_task_and_user_and_one_active_claim_per_user(self) -> None:
        pairs = Counter((a.task_id, a.user_id) for a in self.store.assignments.values())
        assert max(pairs.values(), default=0) <= 1
        active = Counter(a.user_id for a in self.store.assignments.values() if a.is_active_claim)
        assert max(active.values(), default=0) <= 1

    @invariant()
    def assignments_follow_the_state_machine_and_the_model(self) -> None:
        assert self.store.assignments.keys() == self.assignments.keys()
        for a in self.store.assignments.values():
            model = self.assignments[a.id]
            assert a.status in S
            assert a.status is model.status
            previous = self.seen_statuses.get(a.id, S.IN_PROGRESS)
            assert a.status is previous or (previous, a.status) in ALLOWED_STEPS, (previous, a)
            self.seen_statuses[a.id] = a.status
            if a.status in (S.SUBMITTED, S.APPROVED, S.REJECTED):
                assert a.submitted_at is not None
            if a.status in (S.APPROVED, S.REJECTED):
                # Only the auto-approve job reviews without a reviewer.
                assert a.reviewed_at is not None
                assert a.reviewer_id != a.user_id
                assert (a.reviewed_at, a.reviewer_id) == (model.reviewed_at, model.reviewer_id)
            if a.status is S.REJECTED:
                assert a.feedback.strip()

    @invariant()
    def approvals_credit_exactly_once(self) -> None:
        rewards = Counter(e.assignment_id for e in self.store.ledger.values() if e.kind is EntryKind.REWARD)
        assert max(rewards.values(), default=0) <= 1
        for a in self.store.assignments.values():
            task = self.store.tasks[a.task_id]
            assert rewards[a.id] == int(a.status is S.APPROVED and task.points > 0), (a, task)
        for e in self.store.ledger.values():
            if e.kind is EntryKind.REWARD:
                assignment = self.store.assignments[e.assignment_id]
                assert (e.user_id, e.points) == (assignment.user_id, self.store.tasks[assignment.task_id].points)

    @invariant()
    def wallets_are_the_sum_of_their_immutable_entries(self) -> None:
        for entry_id, entry in self.seen_entries.items():
            assert self.store.ledger.get(entry_id) == entry, "ledger entries are never updated or deleted"
        self.seen_entries = dict(self.store.ledger)
        for user in self.users:
            wallet = self.store.wallets.get(user.id, Wallet(user.id))
            mine = [e for e in self.store.ledger.values() if e.user_id == user.id]
            assert wallet.balance == sum(e.points for e in mine) == self.balances[user.id] >= 0
            assert wallet.earned == sum(e.points for e in mine if e.kind is EntryKind.REWARD)
            assert wallet.redeemed == -sum(e.points for e in mine if e.kind is EntryKind.REDEMPTION)

    @invariant()
    def each_idempotency_key_made_one_redemption(self) -> None:
        redemptions = sorted(str(e.id) for e in self.store.ledger.values() if e.kind is EntryKind.REDEMPTION)
        records = {(u, k): r.result_ref.partition(":")[0] for (u, k), r in self.store.idempotency.items()}
        assert sorted(records.values()) == redemptions
        assert records == {(u, k): str(r.entry_id) for (u, k), r in self.redemptions.items()}

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


class World:
    """One admin and two members, for the example tests."""

    def __init__(self, points: int = 10, claim_limit: int = 1, auto_approve_after: int | None = None) -> None:
        self.clock = FakeClock()
        self.uow = FakeUnitOfWorkFactory()
        self.admin, self.ada, self.bob = seed_users(self.uow, self.clock.now())[:3]
        self.cmd = CreateTask(
            "Write docs", points=points, claim_limit=claim_limit, auto_approve_after_seconds=auto_approve_after
        )

    async def submitted_by(self, user: User) -> tuple[str, UUID]:
        task = await create_public_task(self.cmd, self.admin, self.uow, self.clock)
        assignment = await claim_task(task.slug, user, self.uow, self.clock)
        await submit(assignment.id, "done", user, self.uow, self.clock)
        return task.slug, assignment.id

    async def rejected(self, user: User) -> tuple[str, UUID]:
        slug, assignment_id = await self.submitted_by(user)
        await reject(Review(assignment_id, "Missing tests"), self.admin, self.uow, self.clock)
        return slug, assignment_id


async def test_an_admin_who_claimed_a_task_cannot_review_it() -> None:
    world = World()
    _, assignment_id = await world.submitted_by(world.admin)

    with pytest.raises(OwnSubmission):
        await approve(Review(assignment_id), world.admin, world.uow, world.clock)
    with pytest.raises(OwnSubmission):
        await reject(Review(assignment_id, "Not good enough"), world.admin, world.uow, world.clock)

    assert world.uow.store.assignments[assignment_id].status is S.SUBMITTED
    assert not world.uow.store.ledger


@pytest.mark.parametrize("feedback", ["", "   \n"])
async def test_reject_without_feedback_fails(feedback: str) -> None:
    world = World()
    _, assignment_id = await world.submitted_by(world.ada)

    with pytest.raises(InvalidInput):
        await reject(Review(assignment_id, feedback), world.admin, world.uow, world.clock)

    assert world.uow.store.assignments[assignment_id].status is S.SUBMITTED


async def test_a_rejection_can_be_overturned_for_30_days_and_credits_once() -> None:
    world = World(points=7)
    _, assignment_id = await world.rejected(world.ada)
    world.clock.advance(OVERTURN_WINDOW)

    await approve(Review(assignment_id), world.admin, world.uow, world.clock)

    assert world.uow.store.assignments[assignment_id].status is S.APPROVED
    assert world.uow.store.wallets[world.ada.id].balance == 7
    with pytest.raises(WrongState):
        await approve(Review(assignment_id), world.admin, world.uow, world.clock)


async def test_overturn_after_30_days_fails() -> None:
    world = World()
    _, assignment_id = await world.rejected(world.ada)
    world.clock.advance(OVERTURN_WINDOW + timedelta(seconds=1))

    with pytest.raises(WrongState):
        await approve(Review(assignment_id), world.admin, world.uow, world.clock)

    assert world.uow.store.assignments[assignment_id].status is S.REJECTED
    assert not world.uow.store.ledger


async def test_overturning_needs_the_slot_the_rejection_gave_back() -> None:
    world = World()
    slug, assignment_id = await world.rejected(world.ada)
    await claim_task(slug, world.bob, world.uow, world.clock)

    with pytest.raises(TaskFull):
        await approve(Review(assignment_id), world.admin, world.uow, world.clock)

    assert world.uow.store.assignments[assignment_id].status is S.REJECTED
    assert not world.uow.store.ledger


async def test_a_rejected_member_cannot_claim_that_task_again() -> None:
    world = World(claim_limit=2)
    slug, _ = await world.rejected(world.ada)

    with pytest.raises(AlreadyClaimed):
        await claim_task(slug, world.ada, world.uow, world.clock)
    assert (await claim_task(slug, world.bob, world.uow, world.clock)).status is S.IN_PROGRESS


async def test_a_retried_redemption_gets_the_first_answer_and_a_changed_one_is_refused() -> None:
    world = World()
    await adjust_wallet(world.ada.id, 30, "Welcome", world.admin, world.uow, world.clock)
    first, made = await redeem(Redeem(10, "Coffee", "key-1"), world.ada, world.uow, world.clock)
    await adjust_wallet(world.ada.id, 5, "Bonus", world.admin, world.uow, world.clock)

    again, made_again = await redeem(Redeem(10, "Coffee", " key-1 "), world.ada, world.uow, world.clock)
    with pytest.raises(IdempotencyKeyReused):
        await redeem(Redeem(10, "Tea", "key-1"), world.ada, world.uow, world.clock)

    assert (made, made_again) == (True, False)
    assert (again.entry, again.balance) == (first.entry, 20)
    assert world.uow.store.wallets[world.ada.id].balance == 25


async def test_auto_approval_credits_once_and_early_or_repeated_jobs_do_nothing() -> None:
    world = World(points=4, auto_approve_after=2 * 24 * 3600)
    _, assignment_id = await world.submitted_by(world.admin)
    uow, clock = world.uow, world.clock

    world.clock.advance(timedelta(days=2) - timedelta(seconds=1))
    assert (await auto_approve(uow, clock), await auto_approve_one(assignment_id, uow, clock)) == (0, 0)
    world.clock.advance(timedelta(seconds=1))
    assert (
        await auto_approve(uow, clock),
        await auto_approve(uow, clock),
        await auto_approve_one(assignment_id, uow, clock),
    ) == (
        1,
        0,
        0,
    )

    approved = world.uow.store.assignments[assignment_id]
    assert (approved.status, approved.reviewer_id) == (S.APPROVED, None)
    assert world.uow.store.wallets[world.admin.id].balance == 4
