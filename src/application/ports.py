"""The ports: what the use cases need from the outside world, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar
from uuid import UUID

from domain.access import ProjectRole
from domain.assignments import Assignment
from domain.audit import AuditEntry
from domain.ids import new_id
from domain.invitations import Invitation
from domain.notifications import Notification
from domain.projects import Membership, Project
from domain.sessions import RefreshSession, TokenClaims, TokenKind
from domain.tasks import Task
from domain.users import User
from domain.verification import EmailOtp, EmailToken
from domain.wallets import LedgerEntry, Wallet


class Clock(Protocol):
    def now(self) -> datetime: ...


class UserRepository(Protocol):
    async def add(self, user: User) -> None: ...
    async def get(self, user_id: UUID, *, for_update: bool = False) -> User | None: ...
    async def get_by_email(self, email: str, *, for_update: bool = False) -> User | None: ...
    async def update(self, user: User) -> None: ...


class OtpRepository(Protocol):
    async def add(self, otp: EmailOtp) -> None: ...
    async def latest_for(self, email: str, *, for_update: bool = False) -> EmailOtp | None: ...
    async def update(self, otp: EmailOtp) -> None: ...


class EmailTokenRepository(Protocol):
    async def add(self, token: EmailToken) -> None: ...
    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> EmailToken | None: ...
    async def update(self, token: EmailToken) -> None: ...


class RefreshSessionRepository(Protocol):
    async def add(self, session: RefreshSession) -> None: ...
    async def get(self, session_id: UUID, *, for_update: bool = False) -> RefreshSession | None: ...
    async def update(self, session: RefreshSession) -> None: ...
    async def revoke_family(self, family_id: UUID, now: datetime) -> int: ...
    async def revoke_all_for_user(self, user_id: UUID, now: datetime) -> int: ...


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...


class TaskRepository(Protocol):
    async def add(self, task: Task) -> None: ...
    async def get(self, task_id: UUID, *, for_update: bool = False) -> Task | None: ...
    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Task | None:
        """Live tasks only: a soft-deleted task is not found."""
        ...

    async def update(self, task: Task) -> None: ...
    async def slug_taken(self, slug: str) -> bool: ...
    async def delete_for_project(self, project_id: UUID, now: datetime) -> int: ...


class AssignmentRepository(Protocol):
    async def add(self, assignment: Assignment) -> None:
        """Raises `AlreadyClaimed` or `ActiveClaimHeld` when the database refuses the row."""
        ...

    async def get(self, assignment_id: UUID, *, for_update: bool = False) -> Assignment | None: ...
    async def update(self, assignment: Assignment) -> None: ...
    async def find(self, task_id: UUID, user_id: UUID) -> Assignment | None: ...
    async def active_claim_of(self, user_id: UUID) -> Assignment | None: ...
    async def open_claims(
        self, *, task_id: UUID | None = None, project_id: UUID | None = None, user_id: UUID | None = None
    ) -> list[Assignment]:
        """In-progress assignments matching every filter given."""
        ...


class WalletRepository(Protocol):
    async def get(self, user_id: UUID, *, for_update: bool = False) -> Wallet:
        """Every user has a wallet; an empty one is made on first use."""
        ...

    async def update(self, wallet: Wallet) -> None: ...


class LedgerRepository(Protocol):
    async def add(self, entry: LedgerEntry) -> None:
        """Raises `AlreadyRewarded` for a second reward entry of one assignment."""
        ...

    async def get(self, entry_id: UUID) -> LedgerEntry | None: ...


class NotificationRepository(Protocol):
    async def add(self, notification: Notification) -> None: ...
    async def add_many(self, notifications: list[Notification]) -> None: ...
    async def get(self, notification_id: UUID) -> Notification | None: ...
    async def update(self, notification: Notification) -> None: ...
    async def mark_all_read(self, user_id: UUID, now: datetime) -> int: ...


@dataclass(frozen=True)
class IdempotencyRecord:
    user_id: UUID
    key: str
    request_digest: str
    result_ref: str
    created_at: datetime


class IdempotencyRepository(Protocol):
    async def get(self, user_id: UUID, key: str) -> IdempotencyRecord | None: ...
    async def add(self, record: IdempotencyRecord) -> None: ...


class ProjectRepository(Protocol):
    async def add(self, project: Project) -> None: ...
    async def get(self, project_id: UUID, *, for_update: bool = False) -> Project | None: ...
    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Project | None:
        """Live projects only."""
        ...

    async def update(self, project: Project) -> None: ...
    async def slug_taken(self, slug: str) -> bool: ...


class InvitationRepository(Protocol):
    async def add(self, invitation: Invitation) -> None: ...
    async def get(self, invitation_id: UUID, *, for_update: bool = False) -> Invitation | None: ...
    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> Invitation | None: ...
    async def pending_for(self, project_id: UUID, email: str, *, for_update: bool = False) -> Invitation | None: ...
    async def update(self, invitation: Invitation) -> None: ...


class MembershipRepository(Protocol):
    async def add(self, membership: Membership) -> None:
        """Raises `AlreadyMember` when the pair exists."""
        ...

    async def remove(self, project_id: UUID, user_id: UUID) -> None: ...
    async def count_managers(self, project_id: UUID) -> int: ...
    async def role_in(self, project_id: UUID, user_id: UUID) -> ProjectRole | None: ...
    async def manages_any(self, user_id: UUID) -> bool: ...
    async def reviewer_ids(self, project_id: UUID | None) -> list[UUID]:
        """Who reviews tasks here: the project's managers, or the admins for the public board."""
        ...


@dataclass(frozen=True)
class OverdueNotice:
    user_id: UUID
    email: str
    full_name: str
    item_kind: str  # "task" or "project"
    item_id: UUID
    item_name: str
    item_slug: str
    due_date: date


@dataclass(frozen=True)
class DigestLine:
    user_id: UUID
    email: str
    full_name: str
    task_name: str
    task_slug: str
    due_date: date
    is_overdue: bool


class JobQueries(Protocol):
    """The set-based statements behind the scheduled jobs."""

    async def flag_overdue(self, today: date, now: datetime) -> list[OverdueNotice]:
        """Flags live, unfinished projects and tasks due before `today`; returns each notice owed, once ever."""
        ...

    async def digest_lines(self, today: date) -> list[DigestLine]: ...
    async def expired_claims(self, now: datetime, limit: int) -> list[UUID]: ...
    async def due_auto_approvals(self, now: datetime, limit: int) -> list[UUID]: ...
    async def purge(self, now: datetime) -> dict[str, int]: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    users: UserRepository
    otps: OtpRepository
    email_tokens: EmailTokenRepository
    sessions: RefreshSessionRepository
    audit: AuditLog
    tasks: TaskRepository
    assignments: AssignmentRepository
    wallets: WalletRepository
    ledger: LedgerRepository
    notifications: NotificationRepository
    idempotency: IdempotencyRepository
    memberships: MembershipRepository
    projects: ProjectRepository
    invitations: InvitationRepository
    outbox: OutboxRepository
    deliveries: DeliveryRepository
    jobs: JobQueries

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenCodec(Protocol):
    def encode(self, claims: TokenClaims) -> str: ...
    def decode(self, token: str, kind: TokenKind) -> TokenClaims:
        """Raises `InvalidToken` for anything but a valid, unexpired token of exactly this kind."""
        ...


class SecretDigest(Protocol):
    """A keyed digest for short secrets (OTP codes) so a leaked table cannot be brute-forced offline."""

    def __call__(self, value: str) -> str: ...


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached; worth trying again later."""


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> None:
        """Raises `DeliveryFailed` when the message could not be handed over."""
        ...


class QueueUnavailable(Exception):
    """The job broker cannot be reached; the outbox keeps the message for the sweep."""


class JobQueue(Protocol):
    async def enqueue(self, job: str, **arguments: str) -> None:
        """Hands a job to the workers by name, with string arguments (ids, never objects)."""
        ...


@dataclass(frozen=True)
class OutboxMessage:
    """A side effect written in the same transaction as the change that causes it."""

    job: str
    payload: Mapping[str, Any]
    created_at: datetime
    dedupe_key: str | None = None
    sent_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def email(cls, email: OutgoingEmail, now: datetime, dedupe_key: str | None = None) -> OutboxMessage:
        payload = {"to": email.to, "template": email.template, "context": dict(email.context)}
        return cls("send_email", payload, now, dedupe_key)

    def as_email(self) -> OutgoingEmail:
        return OutgoingEmail(self.payload["to"], self.payload["template"], self.payload.get("context", {}))


class OutboxRepository(Protocol):
    async def add(self, message: OutboxMessage) -> None:
        """A message whose dedupe key was already used is dropped silently."""
        ...

    async def add_many(self, messages: list[OutboxMessage]) -> None: ...
    async def get(self, message_id: UUID) -> OutboxMessage | None: ...
    async def unsent(self, created_before: datetime, limit: int) -> list[OutboxMessage]: ...
    async def by_ids(self, ids: list[UUID]) -> list[OutboxMessage]: ...
    async def mark_sent(self, ids: list[UUID], now: datetime) -> None: ...
    async def redact(self, message_id: UUID) -> None:
        """Drops the message's context (codes, links), keeping who and what for the record."""
        ...

    def written(self) -> list[UUID]:
        """Ids added in this unit of work, for the relay after commit."""
        ...


@dataclass
class EmailDelivery:
    outbox_id: UUID
    to: str
    template: str
    status: str = "pending"  # pending, sent or failed
    attempts: int = 0
    last_error: str = ""
    updated_at: datetime | None = None


class DeliveryRepository(Protocol):
    async def get(self, outbox_id: UUID, *, for_update: bool = False) -> EmailDelivery | None: ...
    async def claim(self, delivery: EmailDelivery) -> EmailDelivery:
        """Stores `delivery` unless its message has one, then returns the stored one locked until the end of
        the transaction: a concurrent delivery of the same message waits here, then sees the outcome."""
        ...

    async def save(self, delivery: EmailDelivery) -> None: ...


T = TypeVar("T")
BOARD = "board"  # the cache scope of every list built from tasks, assignments, projects and memberships


class ListCache(Protocol):
    async def fetch(self, scope: str, key: str, load: Callable[[], Awaitable[T]], result_type: type[T]) -> T:
        """The cached value under the scope's current version, or `load()` stored for next time."""
        ...

    async def invalidate(self, scope: str) -> None:
        """Hides every entry of the scope from the very next read, in every process."""
        ...


class RateLimiter(Protocol):
    """Fixed-window counters shared by every process (Redis in production)."""

    async def hit(self, key: str, window_seconds: int) -> int:
        """Counts one event in the current window and returns the count so far."""
        ...

    async def count(self, key: str, window_seconds: int) -> int: ...
    async def give_back(self, key: str, window_seconds: int) -> None:
        """Takes back one event of the current window (an attempt that turned out fine)."""
        ...

    async def reset(self, key: str, window_seconds: int) -> None: ...
    async def cooldown(self, key: str, seconds: int) -> bool:
        """Starts a cooldown of exactly `seconds`; False when one is already running for the key."""
        ...

    async def end_cooldown(self, key: str) -> None:
        """Ends the key's cooldown early, for a claim whose work could not be done after all."""
        ...


@dataclass(frozen=True)
class ProcessedImage:
    image: bytes
    thumbnail: bytes
    extension: str


class ImageProcessor(Protocol):
    async def process(self, data: bytes) -> ProcessedImage:
        """Decodes, checks and re-encodes an upload; raises `ImageTooLarge` or `UnsupportedImage`."""
        ...


class MediaStorage(Protocol):
    async def save(self, folder: str, extension: str, data: bytes) -> str:
        """Stores the bytes under a new random name and returns its path relative to the media root."""
        ...

    async def delete(self, path: str) -> None: ...
