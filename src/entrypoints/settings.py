"""Settings read from the environment; with none set, the embedded default runs under ./var/."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_VAR_DIR = Path("var")


class SettingsError(RuntimeError):
    pass


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"not a boolean: {value!r}")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    try:
        return default if raw in (None, "") else int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer") from exc


@dataclass(frozen=True)
class Settings:
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
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 7 * 24 * 3600
    jwt_issuer: str = "taskreward"
    jwt_audience: str = "taskreward-api"
    rate_limit_per_minute: int = 600
    db_pool_size: int = 10

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    def __repr__(self) -> str:
        return f"Settings(database={self.database_url.split('@')[-1]!r}, embedded={self.is_embedded})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        var_dir = Path(env.get("TASKREWARD_VAR_DIR") or DEFAULT_VAR_DIR)
        database_url = env.get("DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir / 'taskreward.db'}"
        if database_url.startswith(("postgres://", "postgresql://")):
            database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
        embedded = database_url.startswith("sqlite")
        secret_key = env.get("SECRET_KEY", "")
        if not secret_key:
            if not embedded:
                raise SettingsError("SECRET_KEY must be set when DATABASE_URL is not SQLite")
            secret_key = _development_secret(var_dir)
        if len(secret_key.encode()) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 bytes long")
        time_zone = env.get("TIME_ZONE") or "UTC"
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"TIME_ZONE is not a known zone: {time_zone!r}") from exc
        origins = tuple(o.strip() for o in (env.get("CORS_ALLOWED_ORIGINS") or "").split(",") if o.strip())
        return cls(
            database_url=database_url,
            secret_key=secret_key,
            var_dir=var_dir,
            base_url=(env.get("BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
            redis_url=env.get("REDIS_URL") or None,
            redis_namespace=env.get("REDIS_NAMESPACE") or "taskreward",
            email_host=env.get("EMAIL_HOST") or None,
            email_port=_int(env, "EMAIL_PORT", 25),
            email_host_user=env.get("EMAIL_HOST_USER", ""),
            email_host_password=env.get("EMAIL_HOST_PASSWORD", ""),
            email_use_tls=_flag(env.get("EMAIL_USE_TLS")),
            default_from_email=env.get("DEFAULT_FROM_EMAIL") or cls.default_from_email,
            time_zone=time_zone,
            media_root=Path(env.get("MEDIA_ROOT") or var_dir / "media"),
            cors_allowed_origins=origins,
            force_https=_flag(env.get("FORCE_HTTPS")),
            forwarded_allow_ips=env.get("FORWARDED_ALLOW_IPS") or "127.0.0.1",
            base_url_given=bool(env.get("BASE_URL")),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            access_token_ttl_seconds=_int(env, "ACCESS_TOKEN_TTL_SECONDS", 15 * 60),
            refresh_token_ttl_seconds=_int(env, "REFRESH_TOKEN_TTL_SECONDS", 7 * 24 * 3600),
            rate_limit_per_minute=_int(env, "RATE_LIMIT_PER_MINUTE", 600),
            db_pool_size=_int(env, "DB_POOL_SIZE", 10),
        )


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
