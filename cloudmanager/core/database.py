"""Database setup: bind SQLAlchemy and make SQLite behave like a real database."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

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
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)


@event.listens_for(Engine, "connect")
def configure_sqlite(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL for concurrent readers: SQLite defaults are too lax."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_sqlite() -> bool:
    """True when the bound database is SQLite."""
    return db.engine.dialect.name == "sqlite"
