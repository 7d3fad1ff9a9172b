"""Settings: one msgspec Struct converted from the environment; with none set, the embedded default runs.

Every field is read from the environment variable of its name in capitals (EMAIL_PORT, LOG_FORMAT, ...),
except `var_dir` (TASKREWARD_VAR_DIR) and the token issuer and audience, which are fixed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

DEFAULT_VAR_DIR = Path("var")
MIN_SECRET_BYTES = 32
_BOOLEAN_WORDS = {"yes": "true", "on": "true", "no": "false", "off": "false"}


class SettingsError(RuntimeError):
    pass


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    secret_key: str
    var_dir: Path
    base_url: str = "http://127.0.0.1:8000"
    redis_url: str | None = None
    redis_namespace: str = "taskreward"
    email_host: str | None = None
    email_port: int = 25
    email_host_user: str = ""
    email_host_password: str = ""
    email_use_tls: bool = False
    default_from_email: str = "TaskReward <no-reply@taskreward.local>"
    time_zone: str = "UTC"
    media_root: Path = DEFAULT_VAR_DIR / "media"
    cors_allowed_origins: tuple[str, ...] = ()
    force_https: bool = False
    forwarded_allow_ips: str = "127.0.0.1"
    base_url_given: bool = False
    log_level: str = "INFO"
    log_format: Literal["json", "console"] | None = None  # None: console when embedded, JSON otherwise
    otel_exporter_otlp_endpoint: str | None = None  # tracing is on when it is set
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 7 * 24 * 3600
    jwt_issuer: str = "taskreward"
    jwt_audience: str = "taskreward-api"
    rate_limit_per_minute: int = 600
    # Sign-in and code limits (see application.limits.AttemptLimits): tight per (account, address).
    login_failures_per_account_address_minute: int = 5
    login_failures_per_account_address_hour: int = 20
    login_failures_per_account_hour: int = 100
    login_failures_per_address_minute: int = 30
    login_failures_per_address_hour: int = 300
    otp_sends_per_account_address_hour: int = 5
    otp_sends_per_account_hour: int = 20
    otp_sends_per_address_hour: int = 30
    metrics_token: str | None = None  # /metrics answers only with `Authorization: Bearer <token>`
    metrics_bind: str | None = None  # host:port of a separate metrics server, for a network apart
    # An email that could not be sent is tried again after 1 min, 2, 4, ... (with jitter) up to an hour apart,
    # for a day from when it was written; then it is `failed` with the last error, until someone retries it.
    email_retry_first_seconds: float = 60.0
    email_retry_longest_seconds: float = 3600.0
    email_retry_window_seconds: float = 24 * 3600.0
    # A job handed to the queue but not finished after this long (the queue lost it, its worker died) is
    # handed over again by the sweep; idempotent jobs make that safe.
    outbox_lease_seconds: float = 600.0
    db_pool_size: int = 10

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def logs_as_json(self) -> bool:
        return self.log_format == "json" if self.log_format else not self.is_embedded

    def __repr__(self) -> str:
        return f"Settings(database={self.database_url.split('@')[-1]!r}, embedded={self.is_embedded})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        var_dir = Path(env.get("TASKREWARD_VAR_DIR") or DEFAULT_VAR_DIR)
        raw: dict[str, object] = {"var_dir": var_dir, "media_root": var_dir / "media"}
        for name in cls.__struct_fields__:
            value = env.get(name.upper(), "")
            if value and name not in ("jwt_issuer", "jwt_audience", "var_dir", "base_url_given"):
                raw[name] = value
        raw["media_root"] = Path(str(raw["media_root"]))
        if isinstance(origins := raw.get("cors_allowed_origins"), str):
            raw["cors_allowed_origins"] = [o.strip() for o in origins.split(",") if o.strip()]
        for flag in ("email_use_tls", "force_https"):
            if isinstance(word := raw.get(flag), str):
                raw[flag] = _BOOLEAN_WORDS.get(word.strip().lower(), word.strip().lower())
        url = str(raw.get("database_url") or f"sqlite+aiosqlite:///{var_dir / 'taskreward.db'}")
        if url.startswith(("postgres://", "postgresql://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        raw["database_url"] = url
        raw["secret_key"] = _secret(str(raw.get("secret_key", "")), url.startswith("sqlite"), var_dir)
        try:
            settings = msgspec.convert(raw, cls, strict=False)
        except msgspec.ValidationError as exc:
            field = str(exc).rpartition("$.")[2].strip("`").split("[")[0].upper()
            raise SettingsError(f"{field or 'a setting'} is not valid: {exc}") from None
        return msgspec.structs.replace(
            settings,
            base_url=settings.base_url.rstrip("/"),
            log_level=settings.log_level.upper(),
            time_zone=_zone(settings.time_zone),
            base_url_given=bool(env.get("BASE_URL")),
        )


def _secret(given: str, embedded: bool, var_dir: Path) -> str:
    if not given:
        if not embedded:
            raise SettingsError("SECRET_KEY must be set when DATABASE_URL is not SQLite")
        given = _development_secret(var_dir)
    if len(given.encode()) < MIN_SECRET_BYTES:
        raise SettingsError(f"SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes long")
    return given


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"TIME_ZONE is not a known zone: {name!r}") from exc
    return name


def _development_secret(var_dir: Path) -> str:
    """The embedded default keeps a generated secret under ./var/ so tokens survive a restart."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret
