"""How the app connects: test databases on PostgreSQL commit without waiting for the disk."""

import pytest
from sqlalchemy import text


def test_test_databases_on_postgresql_skip_durable_commits(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    assert db.session.execute(text("SHOW synchronous_commit")).scalar() == "off"


def test_other_configurations_keep_durable_commits():
    from cloudmanager import create_app
    from cloudmanager.config import TestConfig

    class Durable(TestConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://nobody@127.0.0.1:1/none"
        DATABASE_DURABLE_COMMITS = True

    options = create_app(Durable).config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    assert "options" not in options.get("connect_args", {})


def test_sqlite_runs_in_wal_mode_with_normal_sync(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
