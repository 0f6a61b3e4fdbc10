"""Database setup: bind SQLAlchemy, make SQLite behave like a real database, read plain rows.

Also creates a missing PostgreSQL database (benches, parallel test workers).
"""

import re
from functools import lru_cache
from typing import Any, Sequence

from flask import Flask, has_request_context, request
from sqlalchemy import Executable, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError

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
    if uri.startswith("postgresql"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        if make_url(uri).get_driver_name() == "psycopg2":
            # The pool checks a connection with a query the page needs anyway (see
            # `check_connections`) instead of a "SELECT 1" of its own.
            options["pool_pre_ping"] = False
        if not app.config.get("DATABASE_DURABLE_COMMITS", True):
            # Throwaway databases (the tests): a commit need not wait for its WAL to reach
            # the disk. Nothing changes for other sessions: a commit is visible as soon as
            # it returns.
            connect_args = dict(options.get("connect_args", {}))
            connect_args.setdefault("options", "-c synchronous_commit=off")
            options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    with app.app_context():
        reads_without_transaction(db.engine)
        check_connections(db.engine)


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
    """Leave a page read's autocommit before its first statement that is not a plain read.

    A connection asked for AUTOCOMMIT (VACUUM, CREATE INDEX CONCURRENTLY) keeps it.
    """
    dbapi_connection = cursor.connection
    if (
        getattr(dbapi_connection, "autocommit", False)
        and (executemany or not is_plain_read(statement))
        and conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT"
    ):
        dbapi_connection.autocommit = False  # psycopg2 sends BEGIN before this statement


# -- The connection check reads what every page reads first -----------------------------
# PostgreSQL's pool checked each connection with a "SELECT 1" before handing it out: one
# more round trip on every page. The check now runs a query the page needs anyway (the
# change stamps, registered by core/change_stamps.py) and keeps its rows for the page. A
# dead connection still fails the check, and the pool replaces it. SQLite has no server
# to lose, but reads the stamps the same way: on the driver's own cursor, the query costs
# a third of what it costs through SQLAlchemy's execution.
CHECKED_ROWS = "cloudmanager.checked_rows"
CHECKED_DRIVERS = frozenset({"psycopg2", "pysqlite"})
_CONNECTION_CHECK = {"sql": "SELECT 1"}


def check_connections_with(sql: str) -> None:
    """Have the pool's connection check run `sql`; `take_checked_rows` hands its rows over."""
    _CONNECTION_CHECK["sql"] = sql


def check_connections(engine: Engine) -> None:
    """Check every connection `engine`'s pool hands out (CHECKED_DRIVERS, pre-ping off)."""
    if engine.dialect.driver not in CHECKED_DRIVERS:
        return

    def check_connection(dbapi_connection, connection_record, connection_proxy) -> None:
        run_connection_check(engine.dialect, dbapi_connection, connection_record.info)

    event.listen(engine.pool, "checkout", check_connection)


def run_connection_check(dialect: Any, dbapi_connection: Any, info: dict) -> None:
    """Run the check on `dbapi_connection` (outside any transaction), its rows into `info`.

    A connection the server dropped raises DisconnectionError: the pool replaces it and
    checks the new one. Any other failure (a database before its migrations) leaves no
    rows, and the caller reads what it needs itself.
    """
    info.pop(CHECKED_ROWS, None)
    if dialect.name == "sqlite":  # no server to lose, and a SELECT begins no transaction
        try:
            _fetch_checked_rows(dbapi_connection, info)
        except dialect.loaded_dbapi.Error:
            pass  # no such table yet: the caller reads what it needs itself
        return
    autocommit = dbapi_connection.autocommit
    try:
        if not autocommit:
            dbapi_connection.autocommit = True  # no transaction left open by the check
        _fetch_checked_rows(dbapi_connection, info)
    except dialect.loaded_dbapi.Error as error:
        if dbapi_connection.closed or dialect.is_disconnect(error, dbapi_connection, None):
            raise DisconnectionError() from error
    if not autocommit:
        dbapi_connection.autocommit = False


def _fetch_checked_rows(dbapi_connection: Any, info: dict) -> None:
    """Run the check's query on the driver's own cursor and keep its rows in `info`."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(_CONNECTION_CHECK["sql"])
        info[CHECKED_ROWS] = cursor.fetchall()
    finally:
        cursor.close()


def take_checked_rows() -> list | None:
    """The rows the check of this session's connection read, once; else None."""
    if db.engine.dialect.driver not in CHECKED_DRIVERS:
        return None
    return db.session.connection().connection.info.pop(CHECKED_ROWS, None)
