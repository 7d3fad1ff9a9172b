"""The `taskreward` command: serve, migrate, create-admin, worker, scheduler, run-job and check-ledger."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import signal
import sys
from collections.abc import Sequence

import msgspec
from sqlalchemy.exc import SQLAlchemyError

from adapters.db.migrate import upgrade
from application.accounts import NotAnAdmin, create_admin
from application.ledger_check import Finding
from domain.errors import DomainError
from entrypoints.bootstrap import bootstrap
from entrypoints.logs import configure_logging
from entrypoints.run_job import JOB_NAMES, cmd_run_job
from entrypoints.settings import Settings, SettingsError


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    upgrade(settings.database_url)
    print("database is up to date")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from entrypoints.http.server import serve

    if not settings.base_url_given:
        # The links in emails point at this server, whatever port it was given.
        settings = msgspec.structs.replace(settings, base_url=f"http://{args.host}:{args.port}")
        os.environ["BASE_URL"] = settings.base_url  # for the worker processes, which read the environment

    if settings.is_embedded:
        upgrade(settings.database_url)
        print(
            f"TaskReward (embedded: SQLite at {settings.database_url.split('///')[-1]}, "
            f"emails in {settings.outbox_dir})\n"
            f"Serving on http://{args.host}:{args.port}/  (API schema at /schema)\n"
            "Create the first admin with:  .venv/bin/taskreward create-admin --email you@example.com --password-stdin",
            flush=True,
        )
    serve(settings, args.host, args.port, args.workers)
    return 0


def cmd_create_admin(settings: Settings, args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif args.password is not None:
        password = args.password
    else:
        password = getpass.getpass("Password: ")

    async def run() -> int:
        async with bootstrap(settings) as container:
            try:
                user, changed = await create_admin(
                    args.email,
                    password,
                    args.full_name,
                    container.identity,
                    promote=args.promote,
                    reset_password=args.reset_password,
                )
            except NotAnAdmin:
                print(f"error: {args.email} is a member's account; give --promote to make it an admin", file=sys.stderr)
                return 2
            except DomainError as exc:
                print(f"error: {exc.detail}", file=sys.stderr)
                return 2
        print(f"admin {user.email} {'created or updated' if changed else 'already exists'} (id {user.id})")
        print(f"the admin panel: {settings.base_url.rstrip('/')}/admin/")
        return 0

    return asyncio.run(run())


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.redis_url:
        print(
            "error: `taskreward worker` needs REDIS_URL; the embedded default runs jobs inside `serve`", file=sys.stderr
        )
        return 2
    command = [sys.executable, "-m", "dramatiq", "entrypoints.worker_boot"]
    command += ["--processes", str(args.processes), "--threads", str(args.threads)]
    # On SIGTERM, jobs in flight get this long to finish; what is left goes back to the queue.
    command += ["--worker-shutdown-timeout", str(int(args.shutdown_timeout * 1000))]
    os.execv(sys.executable, command)  # noqa: S606 - replaces this process with the Dramatiq CLI
    return 0  # not reached


def cmd_scheduler(settings: Settings, _args: argparse.Namespace) -> int:
    from entrypoints.scheduler import run_scheduler

    if not settings.redis_url:
        print(
            "error: `taskreward scheduler` needs REDIS_URL; the embedded default schedules inside `serve`",
            file=sys.stderr,
        )
        return 2

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with bootstrap(settings) as container:
            c = container
            await run_scheduler(c.queue, c.schedule_lock, c.clock, settings.time_zone, stop=stop)

    asyncio.run(run())
    return 0


def cmd_check_ledger(settings: Settings, _args: argparse.Namespace) -> int:
    """Exit 0 when every money invariant holds; 1, naming each broken one, when any does not."""
    from application.ledger_check import check_ledger
    from entrypoints.job_table import report_ledger

    async def run() -> list[Finding]:
        async with bootstrap(settings) as container:
            return await check_ledger(container.queries.checks)

    findings = asyncio.run(run())
    for finding in findings:
        state = "ok" if finding.holds else f"BROKEN ({finding.count})"
        print(f"{finding.invariant.name:<28} {state:<14} {finding.invariant.meaning}")
    broken = report_ledger(findings)
    if broken:
        print(f"{broken} ledger invariant(s) broken", file=sys.stderr)
        return 1
    print("ledger ok")
    return 0


def cmd_demo(settings: Settings, _args: argparse.Namespace) -> int:
    from entrypoints.demo import load_demo

    async def run() -> dict[str, str]:
        async with bootstrap(settings) as container:
            return await load_demo(container)

    passwords = asyncio.run(run())
    if not passwords:
        print("demo data is already there")
    for email, password in passwords.items():
        print(f"{email}  {password}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="taskreward", description="TaskReward: tasks, projects and rewards.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="API processes (each is stateless); one per core by default in production, one when embedded",
    )
    serve.set_defaults(handler=cmd_serve)
    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(handler=cmd_migrate)
    admin = sub.add_parser("create-admin", help="create or update an admin account (idempotent)")
    admin.add_argument("--email", required=True)
    group = admin.add_mutually_exclusive_group()
    group.add_argument("--password")
    group.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    admin.add_argument("--full-name", default="Administrator")
    admin.add_argument("--promote", action="store_true", help="make an existing member's account an admin")
    admin.add_argument(
        "--reset-password", action="store_true", help="replace an existing account's password with this one"
    )
    admin.set_defaults(handler=cmd_create_admin)
    worker = sub.add_parser("worker", help="run Dramatiq workers (needs REDIS_URL)")
    worker.add_argument("--processes", type=int, default=2)
    worker.add_argument("--threads", type=int, default=4)
    worker.add_argument(
        "--shutdown-timeout", type=float, default=30.0, help="seconds in-flight jobs get to finish on SIGTERM"
    )
    worker.set_defaults(handler=cmd_worker)
    scheduler = sub.add_parser("scheduler", help="enqueue scheduled jobs on time (needs REDIS_URL)")
    scheduler.set_defaults(handler=cmd_scheduler)
    run_job = sub.add_parser("run-job", help="run one job once, here and now")
    run_job.add_argument("job", choices=JOB_NAMES)
    run_job.add_argument("--date", help="the local date for mark-overdue and daily-digest (YYYY-MM-DD)")
    run_job.add_argument("--force", action="store_true", help="allow a --date after tomorrow")
    run_job.set_defaults(handler=cmd_run_job)
    check = sub.add_parser("check-ledger", help="verify every money invariant; exit 1 naming each broken one")
    check.set_defaults(handler=cmd_check_ledger)
    demo = sub.add_parser("demo", help="add sample accounts, a project and tasks (prints the passwords)")
    demo.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    try:
        return int(args.handler(settings, args))
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        print(
            f"database error: {type(reason).__name__}: {str(reason).strip()}\n"
            "Check DATABASE_URL, and run `taskreward migrate` before other commands.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
