"""The composition root: builds every adapter once and hands them to the entrypoints.

`bootstrap()` returns a Container, an async context manager: `async with bootstrap(settings) as container`
closes the job runner, the broker it built, Redis and the database pool on the way out, whatever happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from types import TracebackType
from typing import Self

import dramatiq
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.cache import MemoryListCache, RedisListCache
from adapters.clock import SystemClock
from adapters.db.engine import create_engine, is_sqlite
from adapters.db.queries import sql_queries
from adapters.db.uow import SqlUnitOfWorkFactory
from adapters.email.rendering import EmailRenderer
from adapters.email.senders import OutboxMailer, SmtpMailer
from adapters.jobs.dramatiq_broker import create_broker
from adapters.jobs.dramatiq_queue import DramatiqJobQueue
from adapters.jobs.inline import InlineJobQueue
from adapters.media.images import PillowImageProcessor
from adapters.media.storage import LocalMediaStorage
from adapters.ratelimit import FallbackRateLimiter, MemoryRateLimiter, RedisRateLimiter
from adapters.redis_outage import Outage, async_client
from adapters.schedule_lock import MemoryScheduleLock, RedisScheduleLock
from adapters.security.digest import HmacDigest
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import JwtTokenCodec
from adapters.security.totp import PyotpAuthenticator
from adapters.signed_in import LocalSignedInUsers, RedisSignedInUsers
from application.identity import Identity
from application.limits import AttemptLimits
from application.outbox import relay
from application.ports.clock import Clock
from application.ports.locks import ScheduleLock
from application.ports.media import ImageProcessor, MediaStorage
from application.ports.messaging import JobQueue, ListCache, Mailer
from application.ports.repositories import UnitOfWorkFactory
from application.ports.security import PasswordHasher, RateLimiter
from application.queries import Queries
from application.side_effects import SideEffects
from domain.outbox import RetryPolicy
from entrypoints.job_table import Handler, JobDeps, job_handlers
from entrypoints.settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    identity: Identity
    jobs: JobDeps
    handlers: dict[str, Handler]
    queries: Queries
    images: ImageProcessor
    media: MediaStorage
    cache: ListCache
    schedule_lock: ScheduleLock
    redis: Redis | None = None
    outage: Outage = field(default_factory=Outage)
    broker: dramatiq.Broker | None = None  # set when this container built it, and so closes it
    read_engine: AsyncEngine | None = None  # the reads' own pool (PostgreSQL), closed with the container
    _closed: bool = field(default=False, repr=False)

    @property
    def uow(self) -> UnitOfWorkFactory:
        return self.identity.uow

    @property
    def reads(self) -> UnitOfWorkFactory:
        """For use cases that only read: no transaction round trips on PostgreSQL, and no write possible."""
        return self.identity.reader

    @property
    def clock(self) -> Clock:
        return self.identity.clock

    @property
    def queue(self) -> JobQueue:
        return self.jobs.queue

    async def readiness(self) -> dict[str, str]:
        """Each service this process needs: "ok", or "unavailable: <the kind of error>" (never a URL)."""
        checks: dict[str, str] = {}
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            checks["database"] = f"unavailable: {type(exc).__name__}"
        if self.redis is not None:
            try:
                await self.redis.ping()
                checks["redis"] = "ok"
                self.outage.succeeded()
            except (RedisError, OSError) as exc:
                checks["redis"] = f"unavailable: {type(exc).__name__}"
        return checks

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if isinstance(self.queue, InlineJobQueue):
                await self.queue.drain()
        finally:
            if self.broker is not None:
                self.broker.close()
            if self.redis is not None:
                await self.redis.aclose()
            await self.engine.dispose()
            if self.read_engine is not None and self.read_engine is not self.engine:
                await self.read_engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


def shared_limiter(redis: Redis | None, clock: Clock, prefix: str, outage: Outage) -> RateLimiter:
    if redis is None:
        return MemoryRateLimiter(clock)
    return FallbackRateLimiter(RedisRateLimiter(redis, clock, prefix=prefix), MemoryRateLimiter(clock), outage)


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        first=timedelta(seconds=settings.email_retry_first_seconds),
        longest=timedelta(seconds=settings.email_retry_longest_seconds),
        window=timedelta(seconds=settings.email_retry_window_seconds),
    )


def build_mailer(settings: Settings) -> Mailer:
    renderer = EmailRenderer(base_url=settings.base_url)
    if settings.email_host:
        return SmtpMailer(
            renderer,
            host=settings.email_host,
            port=settings.email_port,
            sender=settings.default_from_email,
            username=settings.email_host_user,
            password=settings.email_host_password,
            use_tls=settings.email_use_tls,
        )
    return OutboxMailer(renderer, directory=settings.outbox_dir, sender=settings.default_from_email)


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    mailer: Mailer | None = None,
    limiter: RateLimiter | None = None,
    queue: JobQueue | None = None,
    broker: dramatiq.Broker | None = None,
    cache: ListCache | None = None,
    hasher: PasswordHasher | None = None,
) -> Container:
    """Every adapter, built once. A worker passes the broker its actors are declared on; tests pass fakes."""
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
    # PostgreSQL reads go through a pool of their own in autocommit; SQLite has one writer, its engine reads too.
    read_engine = (
        engine
        if is_sqlite(settings.database_url)
        else create_engine(settings.database_url, pool_size=settings.db_pool_size, read_only=True)
    )
    redis = async_client(settings.redis_url) if settings.redis_url else None
    outage = Outage()
    prefix = f"{settings.redis_namespace}:"
    clock = clock or SystemClock(settings.time_zone)
    owned_broker = None
    if queue is None and broker is None and settings.redis_url:
        broker = owned_broker = create_broker(settings.redis_url, namespace=settings.redis_namespace, connect_timeout=2)
    if queue is None:
        queue = DramatiqJobQueue(broker) if broker is not None else InlineJobQueue({}, attempts=3)
    if cache is None:
        cache = RedisListCache(redis, prefix=f"{prefix}cache:", outage=outage) if redis else MemoryListCache()
    uow = SqlUnitOfWorkFactory(engine, SideEffects(settings.base_url), cache=cache)
    uow.after_commit = lambda messages: relay(messages, uow, queue, clock)
    identity = Identity(
        uow=uow,
        reads=SqlUnitOfWorkFactory(read_engine, read_only=True) if read_engine is not engine else None,
        clock=clock,
        hasher=hasher or Argon2PasswordHasher(),
        tokens=JwtTokenCodec(settings.secret_key, issuer=settings.jwt_issuer, audience=settings.jwt_audience),
        digest=HmacDigest(settings.secret_key),
        authenticator=PyotpAuthenticator(settings.secret_key),
        limiter=limiter or shared_limiter(redis, clock, prefix, outage),
        signed_in=RedisSignedInUsers(redis, channel=f"{prefix}signed-in", outage=outage)
        if redis
        else LocalSignedInUsers(),
        access_ttl=timedelta(seconds=settings.access_token_ttl_seconds),
        refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
        default_time_zone=settings.time_zone,
        limits=AttemptLimits(**{name: getattr(settings, name) for name in AttemptLimits.__dataclass_fields__}),
    )
    queries = sql_queries(read_engine)
    jobs = JobDeps(
        uow,
        clock,
        mailer or build_mailer(settings),
        queue,
        queries.checks,
        settings.time_zone,
        retry_policy(settings),
        timedelta(seconds=settings.outbox_lease_seconds),
    )
    handlers = job_handlers(jobs)
    if isinstance(queue, InlineJobQueue):
        for name, handler in handlers.items():
            queue.register(name, handler)
    return Container(
        settings=settings,
        engine=engine,
        read_engine=read_engine,
        identity=identity,
        jobs=jobs,
        handlers=handlers,
        queries=queries,
        images=PillowImageProcessor(),
        media=LocalMediaStorage(settings.media_root),
        cache=cache,
        schedule_lock=RedisScheduleLock(redis, prefix=prefix) if redis is not None else MemoryScheduleLock(clock),
        redis=redis,
        outage=outage,
        broker=owned_broker,
    )
