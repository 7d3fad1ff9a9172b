"""The composition root: builds every adapter once and hands them to the entrypoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.cache import MemoryListCache, RedisListCache
from adapters.clock import SystemClock
from adapters.db.engine import create_engine
from adapters.db.queries import sql_queries
from adapters.db.uow import SqlUnitOfWorkFactory
from adapters.email.rendering import EmailRenderer
from adapters.email.senders import OutboxMailer, SmtpMailer
from adapters.jobs.dramatiq_queue import DramatiqJobQueue
from adapters.jobs.inline import InlineJobQueue
from adapters.media.images import PillowImageProcessor
from adapters.media.storage import LocalMediaStorage
from adapters.ratelimit import MemoryRateLimiter, RedisRateLimiter
from adapters.schedule_lock import MemoryScheduleLock, RedisScheduleLock
from adapters.security.digest import HmacDigest
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import JwtTokenCodec
from application.identity import Identity
from application.outbox import relay
from application.ports.clock import Clock
from application.ports.locks import ScheduleLock
from application.ports.media import ImageProcessor, MediaStorage
from application.ports.messaging import JobQueue, ListCache, Mailer
from application.ports.repositories import UnitOfWorkFactory
from application.ports.security import PasswordHasher, RateLimiter
from application.queries import Queries
from application.side_effects import SideEffects
from domain.outbox import MAX_EMAIL_ATTEMPTS
from entrypoints.job_table import Handler, JobDeps, job_handlers
from entrypoints.settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    identity: Identity
    jobs: JobDeps
    queries: Queries
    images: ImageProcessor
    media: MediaStorage
    queue: JobQueue
    handlers: dict[str, Handler]
    cache: ListCache
    schedule_lock: ScheduleLock
    redis: Redis | None = None

    @property
    def uow(self) -> UnitOfWorkFactory:
        return self.identity.uow

    @property
    def clock(self) -> Clock:
        return self.identity.clock

    async def close(self) -> None:
        if isinstance(self.queue, InlineJobQueue):
            await self.queue.drain()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


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


def build_queue(settings: Settings) -> JobQueue:
    if settings.redis_url:
        from entrypoints.worker import create_broker

        return DramatiqJobQueue(
            create_broker(settings.redis_url, namespace=settings.redis_namespace, connect_timeout=2)
        )
    return InlineJobQueue({}, attempts=MAX_EMAIL_ATTEMPTS)


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    mailer: Mailer | None = None,
    limiter: RateLimiter | None = None,
    queue: JobQueue | None = None,
    cache: ListCache | None = None,
    hasher: PasswordHasher | None = None,
) -> Container:
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    if limiter is None:
        limiter = (
            RedisRateLimiter(redis, prefix=f"{settings.redis_namespace}:") if redis is not None else MemoryRateLimiter()
        )
    clock = clock or SystemClock(settings.time_zone)
    queue = queue or build_queue(settings)
    if cache is None:
        cache = (
            RedisListCache(redis, prefix=f"{settings.redis_namespace}:cache:")
            if redis is not None
            else MemoryListCache()
        )
    uow = SqlUnitOfWorkFactory(engine, SideEffects(settings.base_url), cache=cache)
    uow.after_commit = lambda messages: relay(messages, uow, queue, clock)
    identity = Identity(
        uow=uow,
        clock=clock,
        hasher=hasher or Argon2PasswordHasher(),
        tokens=JwtTokenCodec(settings.secret_key, issuer=settings.jwt_issuer, audience=settings.jwt_audience),
        digest=HmacDigest(settings.secret_key),
        limiter=limiter,
        access_ttl=timedelta(seconds=settings.access_token_ttl_seconds),
        refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
        default_time_zone=settings.time_zone,
    )
    queries = sql_queries(engine)
    jobs = JobDeps(uow, clock, mailer or build_mailer(settings), queue, queries.checks, settings.time_zone)
    handlers = job_handlers(jobs)
    if isinstance(queue, InlineJobQueue):
        for name, handler in handlers.items():
            queue.register(name, handler)
    return Container(
        settings=settings,
        engine=engine,
        identity=identity,
        jobs=jobs,
        queries=queries,
        images=PillowImageProcessor(),
        media=LocalMediaStorage(settings.media_root),
        queue=queue,
        handlers=handlers,
        cache=cache,
        schedule_lock=(
            RedisScheduleLock(redis, prefix=f"{settings.redis_namespace}:")
            if redis is not None
            else MemoryScheduleLock(clock)
        ),
        redis=redis,
    )
