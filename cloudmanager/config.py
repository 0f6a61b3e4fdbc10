"""Configuration read from the environment (and an optional `.env` file)."""

import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = BASE_DIR / "instance"

load_dotenv(BASE_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value else default


def database_url(value: str | None) -> str | None:
    """Use psycopg2 for plain PostgreSQL URLs (SQLAlchemy 2.1 would pick psycopg 3)."""
    if not value:
        return value
    for scheme in ("postgres://", "postgresql://"):
        if value.startswith(scheme):
            return "postgresql+psycopg2://" + value[len(scheme) :]
    return value


def default_database_url() -> str:
    """The embedded default: an SQLite file under `instance/`."""
    return f"sqlite:///{INSTANCE_DIR / 'cloudmanager.db'}"


class Config:
    """Settings for a running instance; every value can come from the environment."""

    ENV_NAME = os.environ.get("CM_ENV", "production")
    DEBUG = False
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY")

    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL")) or default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RQ_QUEUES = ["high", "default", "low"]
    JOB_RETRIES = env_int("JOB_RETRIES", 3)
    JOB_RETRY_INTERVALS = [10, 60, 300]

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "CloudManager <billing@example.com>"
    )

    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
    TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")

    STORAGE_DIR = os.environ.get("STORAGE_DIR", str(INSTANCE_DIR / "files"))
    UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)

    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or (REDIS_URL or "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")  # per token

    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    SERVER_BASE_URL = os.environ.get("SERVER_BASE_URL", "http://127.0.0.1:5000")
    # Refuse webhook targets on private networks (SSRF) unless explicitly allowed.
    WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
    INBOUND_MAIL_TOKEN = os.environ.get("INBOUND_MAIL_TOKEN", "")  # POST /tickets/inbound-mail


class DevelopmentConfig(Config):
    """The embedded default for a laptop: SQLite, inline jobs, cookies over http."""

    ENV_NAME = "development"
    DEBUG = env_bool("FLASK_DEBUG", False)
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-a-secret"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "http"
    WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", True)


class TestConfig(Config):
    """Tests: SQLite unless TEST_DATABASE_URL is set.

    Jobs run inline unless a test asks for the real worker (the `redis_url`
    fixture sets REDIS_URL); the rate limiter uses TEST_REDIS_URL when set.
    """

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = os.environ.get("SECRET_KEY") or "test-secret"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL")) or "sqlite://"
    REDIS_URL = os.environ.get("TEST_WORKER_REDIS_URL", "")
    RATELIMIT_STORAGE_URI = os.environ.get("TEST_REDIS_URL") or "memory://"
    STORAGE_DIR = os.environ.get("TEST_STORAGE_DIR", str(INSTANCE_DIR / "test-files"))
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
    MAIL_SERVER = ""
    SERVER_NAME = None
    JOB_RETRY_INTERVALS = [0, 0, 0]
    WEBHOOKS_ALLOW_PRIVATE = True  # tests deliver to a server on 127.0.0.1
    # Cheap hashing keeps the suite fast; production uses argon2's defaults.
    ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    # Test databases are thrown away: PostgreSQL commits don't wait for the disk.
    DATABASE_DURABLE_COMMITS = False


CONFIGS = {
    "production": Config,
    "development": DevelopmentConfig,
    "test": TestConfig,
}


def config_for_environment() -> type[Config]:
    """The config class named by CM_ENV (default: production)."""
    return CONFIGS[os.environ.get("CM_ENV", "production")]
