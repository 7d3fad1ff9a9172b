"""Structured logs: JSON lines in production, readable lines when embedded, through structlog for every
logger (ours, Litestar's, uvicorn's, Dramatiq's); a request id in every line a request causes, no secrets.

Secrets never reach a line: fields named like one (passwords, tokens, codes, Authorization, cookies) are
replaced, and the path segments that carry an invitation token are masked. Request bodies, headers and
query strings are not logged at all.
"""

from __future__ import annotations

import logging.config
import re
from collections.abc import MutableMapping
from typing import Any

import structlog
from litestar.logging.config import LoggingConfig, StructLoggingConfig
from structlog.types import EventDict, Processor

from entrypoints.settings import Settings

REDACTED = "[redacted]"
SECRET_FIELDS = frozenset(
    {
        "password",
        "current_password",
        "new_password",
        "token",
        "email_token",
        "access",
        "refresh",
        "otp",
        "code",
        "totp",
        "secret",
        "secret_key",
        "authorization",
        "cookie",
        "cookies",
        "headers",
        "body",
        "query",
    }
)
_TOKEN_IN_PATH = re.compile(r"^(/api/invites/(?:accept/)?)[^/?]+")


def redacted_path(path: str) -> str:
    """The path with an invitation token masked (the one secret our routes carry in a path)."""
    return _TOKEN_IN_PATH.sub(rf"\1{REDACTED}", path)


def redact_secrets(_logger: Any, _method: str, event: EventDict) -> EventDict:
    for key in list(event):
        if key.lower() in SECRET_FIELDS:
            event[key] = REDACTED
    if isinstance(path := event.get("path"), str):
        event["path"] = redacted_path(path)
    return event


def _shared() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]


def _formatter(as_json: bool) -> dict[str, Any]:
    rendering: list[Processor] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if as_json:
        rendering += [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    else:
        rendering.append(structlog.dev.ConsoleRenderer(colors=False))
    return {"()": structlog.stdlib.ProcessorFormatter, "processors": rendering, "foreign_pre_chain": _shared()}


def _structlog_options() -> dict[str, Any]:
    return {
        "processors": [*_shared(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        "logger_factory": structlog.stdlib.LoggerFactory(),
        "wrapper_class": structlog.stdlib.BoundLogger,
        "cache_logger_on_first_use": True,
    }


def struct_logging_config(settings: Settings) -> StructLoggingConfig:
    """What Litestar's structlog plugin configures for the HTTP app."""
    standard = LoggingConfig(
        root={"level": settings.log_level, "handlers": ["queue_listener"]},
        formatters={"standard": _formatter(settings.logs_as_json)},
        loggers={
            # Litestar's own logger would be at INFO whatever LOG_LEVEL says.
            "litestar": {"level": settings.log_level, "handlers": ["queue_listener"], "propagate": False},
            "uvicorn": {"propagate": True},
            "uvicorn.error": {"propagate": True},
        },
    )
    return StructLoggingConfig(**_structlog_options(), standard_lib_logging_config=standard)


def configure_logging(settings: Settings) -> None:
    """The same logs for the command line, the worker and the scheduler."""
    structlog.configure(**_structlog_options())
    handlers: MutableMapping[str, Any] = {
        "stderr": {"class": "logging.StreamHandler", "formatter": "structured", "stream": "ext://sys.stderr"}
    }
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"structured": _formatter(settings.logs_as_json)},
            "handlers": handlers,
            "root": {"level": settings.log_level, "handlers": ["stderr"]},
        }
    )
