"""Shared fixtures: app, db, client, runner, users per role, SQL query counting.

Tests run on SQLite by default, on PostgreSQL when TEST_DATABASE_URL is set and
with Redis + a real RQ worker when TEST_REDIS_URL is set. The schema is created
once per run; every test starts from empty tables.
"""

import os

import tests.parallel  # noqa: F401  (first: per-worker TEST_* variables under pytest-xdist)

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from cloudmanager import create_app
from cloudmanager.config import TestConfig
from cloudmanager.config import database_url as normalize_url
from cloudmanager.core.database import ensure_database
from cloudmanager.extensions import db as _db
from cloudmanager.extensions import limiter

pytest_plugins = ["tests.fixtures.users", "tests.fixtures.services", "tests.fixtures.finance"]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """PostgreSQL from TEST_DATABASE_URL, else an SQLite file for this run."""
    url = normalize_url(os.environ.get("TEST_DATABASE_URL"))
    if url:
        return ensure_database(url)  # a pytest-xdist worker's own database may be new
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def storage_dir(tmp_path_factory) -> str:
    """Where files go during the run (shared with the CI worker via TEST_STORAGE_DIR)."""
    return os.environ.get("TEST_STORAGE_DIR") or str(tmp_path_factory.mktemp("files"))


@pytest.fixture(scope="session")
def config_class(database_url, storage_dir):
    """TestConfig bound to this run's database and storage."""

    class RunConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        STORAGE_DIR = storage_dir

    return RunConfig


@pytest.fixture(scope="session")
def _schema(config_class):
    """Create every table once per run (migrations are tested separately)."""
    app = create_app(config_class)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _empty_tables() -> None:
    """Delete every row, children first, and restart the ids (as a fresh database would).

    DELETE, not TRUNCATE: a test leaves a handful of rows, and TRUNCATE replaces the
    files of all 46 tables (180 ms a test on PostgreSQL, against 16 ms).
    """
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    if _db.engine.dialect.name == "postgresql":
        _db.session.execute(
            text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
                "FROM pg_sequences WHERE last_value IS NOT NULL AND schemaname = current_schema()"
            )
        )
    _db.session.commit()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own `g`, own DB session), as in production.

    Without this, requests would share the test's app context, so Flask-Login's
    cached user and the session's identity map would leak between requests.
    Afterwards the test's own session is expired so it reads fresh rows.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture
def app(config_class, _schema):
    """A fresh app on empty tables, with an app context pushed."""
    from cloudmanager.core.change_stamps import forget_all
    from cloudmanager.settings.services import invalidate_cache

    app = create_app(config_class)
    app.test_client_class = IsolatedClient
    with app.app_context():
        invalidate_cache()
        forget_all()
        limiter.reset()
        yield app
        _db.session.rollback()
        _empty_tables()
        invalidate_cache()
        _db.session.remove()
        _db.engine.dispose()  # each test app has its own pool; don't leak connections


@pytest.fixture
def db(app):
    """The SQLAlchemy handle, bound to the test app."""
    return _db


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's `flask` commands."""
    return app.test_cli_runner()


class QueryCounter:
    """Counts SQL statements executed while active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        from cloudmanager.core.change_stamps import forget_all
        from cloudmanager.settings.services import invalidate_cache

        # Every measured request then loads the settings (and tags in use) once, whatever
        # ran before.
        invalidate_cache()
        forget_all()
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: …; counter.count`"""
    return lambda: QueryCounter(_db.engine)
