"""Configuration classes, read from the environment.

SQLite under ``instance/`` is the default database; ``DATABASE_URL`` switches to PostgreSQL.
Production refuses to start without ``SECRET_KEY``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_PATH = Path(os.environ.get("KCVOTE_INSTANCE_DIR", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """Raised when the configuration cannot run safely."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    INSTANCE_DIR = str(INSTANCE_PATH)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'kcvote.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {"pool_pre_ping": True}
    MEDIA_DIR = os.environ.get("MEDIA_DIR", str(INSTANCE_PATH / "media"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 20 * 1024 * 1024))
    # Short videos proving an artisan's skill; the evidence upload route alone accepts requests this large.
    ARTISAN_VIDEO_MAX_MB = int(os.environ.get("ARTISAN_VIDEO_MAX_MB", 50))

    # Mail: SMTP when MAIL_SERVER is set, otherwise the log and instance/outbox/.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "kcvote <no-reply@kcvote.local>")
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_PATH / "outbox"))

    # Absolute links in e-mails when no request is active (CLI, background jobs).
    SERVER_NAME: str | None = os.environ.get("SERVER_NAME") or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    # The public address printed on certificates (their QR codes point here), e.g.
    # https://kcvote.sct.thainguyen.gov.vn; without it the request's host, or SERVER_NAME, is used.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # How bulk certificate issues run: "thread" (in the web process), "worker" (left for
    # `flask kcvote certificates work`), or "inline" (within the request).
    CERTIFICATE_JOBS = os.environ.get("CERTIFICATE_JOBS", "thread")
    # Organizers are shown certificates that expire within this many days.
    CERTIFICATE_EXPIRY_NOTICE_DAYS = int(os.environ.get("CERTIFICATE_EXPIRY_NOTICE_DAYS", 90))
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute;300 per hour")
    # Public comments on artisan lists posted for comment, per IP address (accepted ones only).
    COMMENT_RATE_LIMIT = os.environ.get("COMMENT_RATE_LIMIT", "5 per minute;30 per day")

    # Rate limits: in memory by default, Redis when REDIS_URL is set (several instances).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = "memory://"  # replaced by REDIS_URL when that is set
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    SENSITIVE_RATE_LIMIT = os.environ.get("SENSITIVE_RATE_LIMIT", "5 per minute;30 per hour")
    # Number of proxies in front of the app whose X-Forwarded-For is trusted.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", 0))

    PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", 10))
    CONFIRM_TOKEN_MAX_AGE = 7 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 2 * 3600
    INVITE_TOKEN_MAX_AGE = 14 * 24 * 3600

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT: int | None = None

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    BOOTSTRAP_SERVE_LOCAL = True

    def check(self) -> None:
        """Raise ConfigError when this configuration is unsafe to run."""


class DevelopmentConfig(Config):
    """Local development: a fixed, clearly marked secret when none is given."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-deploy"


class TestingConfig(Config):
    """Tests: the database comes from TEST_DATABASE_URL or a file chosen by the test."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_MIN_LENGTH = 10
    CERTIFICATE_JOBS = "inline"


class ProductionConfig(Config):
    """Production: secure cookies, and no start without SECRET_KEY."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    def check(self) -> None:
        if not self.SECRET_KEY or len(self.SECRET_KEY) < 16:
            raise ConfigError("SECRET_KEY must be set (at least 16 characters) to run in production.")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> Config:
    """Pick the configuration named by KCVOTE_ENV (default: development)."""
    name = os.environ.get("KCVOTE_ENV", "development").lower()
    try:
        return CONFIGS[name]()
    except KeyError:
        raise ConfigError(f"Unknown KCVOTE_ENV {name!r}; use one of {sorted(CONFIGS)}.") from None
