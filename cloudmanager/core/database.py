"""Database setup: bind SQLAlchemy, make SQLite behave like a real database, read plain rows.

Also creates a missing PostgreSQL database (benches, parallel test workers).
"""

import re
from functools import lru_cache
from typing import Any, Sequence

from flask import Flask, has_request_context, request
from sqlalchemy import Executable, create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from cloudmanager.config import database_url
from cloudmanager.extensions import db


def init_database(app: Flask) -> None:
    """Bind `db`, creating the SQLite folder when the embedded default is used."""
    uri = database_url(app.config["SQLALCHEMY_DATABASE_URI"]) or ""
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:///:memory:"):
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options.setdefault("connect_args", {"timeout": 30})
        # A file has no server that could drop the connection: no "SELECT 1" per checkout.
        options["pool_pre_ping"] = False
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if uri.startswith("postgresql") and not app.config.get("DATABASE_DURABLE_COMMITS", True):
        # Throwaway databases (the tests): a commit need not wait for its WAL to reach the
        # disk. Nothing changes for other sessions: a commit is visible as soon as it returns.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("options", "-c synchronous_commit=off")
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    with app.app_context():
        reads_without_transaction(db.engine)


@event.listens_for(Engine, "connect")
def configure_sqlite(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL for concurrent readers: SQLite defaults are too lax.

    With WAL, synchronous=NORMAL syncs at checkpoints instead of at every commit
    (SQLite's recommendation for WAL): a crash of the app loses nothing, a power cut
    at most the last commits, and every commit stops waiting for the disk.
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_sqlite() -> bool:
    """True when the bound database is SQLite."""
    return db.engine.dialect.name == "sqlite"


def read_rows(stmt: Executable, params: dict[str, Any] | None = None) -> Sequence[Any]:
    """Plain rows of a column SELECT, read through Core on the session's connection.

    The ORM's per-query work (its execution context and result adaption) costs
    about a third of such a query; rows need none of it.
    """
    if db.session.autoflush:  # as the ORM would (and not inside a `no_autoflush` block)
        db.session.flush()
    return db.session.connection().execute(stmt, params).all()


def ensure_database(url: str) -> str:
    """Create the PostgreSQL database `url` names if it does not exist yet; returns `url`."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql") or not target.database:
        return url
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if found is None:
                # Identifiers cannot be bound parameters; the name comes from configuration.
                name = target.database.replace('"', '""')
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    return url


# -- PostgreSQL: reads outside a transaction -------------------------------------------
# psycopg2 opens a transaction before a request's first SELECT and the pool rolls it back
# when the request ends: two round trips on every page, as many as the page's own query.
# A page read (GET, HEAD) therefore starts in autocommit, where each SELECT sees what was
# committed when it began, exactly as in a READ COMMITTED transaction. The first statement
# that is not a plain read (a write, a locking or sequence-moving SELECT) opens a real
# transaction first, so a page that writes still commits or rolls back as one.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NOT_PLAIN_READ = re.compile(
    r"\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b"  # row locks
    r"|\b(INSERT|UPDATE|DELETE|MERGE)\b"  # a data-modifying WITH
    r"|\b(pg_\w*lock\w*|nextval|setval)\s*\(",  # advisory locks, sequences
    re.IGNORECASE,
)


@lru_cache(maxsize=2048)
def is_plain_read(statement: str) -> bool:
    """True for a SELECT that neither writes, locks nor moves a sequence."""
    head = statement.lstrip()[:6].upper()
    # Only WITH RECURSIVE counts as a read; any other WITH opens a transaction (safe side).
    return head in ("SELECT", "WITH R") and not _NOT_PLAIN_READ.search(statement)


def reads_without_transaction(engine: Engine) -> None:
    """Let page reads on `engine` (psycopg2 only) run in autocommit until they write."""
    if engine.dialect.driver == "psycopg2":
        event.listen(engine.pool, "checkout", read_in_autocommit)
        event.listen(engine, "before_cursor_execute", begin_before_writing)


def read_in_autocommit(dbapi_connection, connection_record, connection_proxy) -> None:
    """A page read's connection starts in autocommit; everything else in a transaction."""
    reading = has_request_context() and request.method in SAFE_METHODS
    if dbapi_connection.autocommit != reading:
        dbapi_connection.autocommit = reading


def begin_before_writing(conn, cursor, statement, parameters, context, executemany) -> None:
    """Leave autocommit before the first statement that is not a plain read."""
    dbapi_connection = cursor.connection
    if getattr(dbapi_connection, "autocommit", False) and (
        executemany or not is_plain_read(statement)
    ):
        dbapi_connection.autocommit = False  # psycopg2 sends BEGIN before this statement
