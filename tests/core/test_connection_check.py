"""The pool checks each connection with the change stamps' query (core/database.py).

On PostgreSQL the check replaces the pre-ping's "SELECT 1": a staff page makes one
round trip less, a dropped connection is still replaced before a page uses it, and
a database without the stamps' table yet (before its migrations) still works. SQLite
reads the stamps the same way, on the driver's cursor.
"""

import pytest
from sqlalchemy import text

from cloudmanager.core.change_stamps import ChangeStamp
from cloudmanager.core.database import CHECKED_ROWS, run_connection_check


@pytest.fixture
def postgres(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    return db


def test_no_pool_pings_and_the_pool_checks_with_its_own_query(app, db):
    assert db.engine.pool._pre_ping is False
    names = [listener.__name__ for listener in db.engine.pool.dispatch.checkout]
    assert "check_connection" in names


def test_a_staff_page_reads_the_stamps_in_the_check_and_pings_no_more(
    db, client, login_as, count_queries
):
    login_as("agent")
    client.get("/customers/")
    with count_queries() as counter:
        assert client.get("/customers/").status_code == 200
    assert not any("change_stamps" in sql for sql in counter.statements)
    assert not any(sql.strip().upper() == "SELECT 1" for sql in counter.statements)


def test_a_stamp_moved_elsewhere_is_seen_through_the_check(db, client, login_as):
    from cloudmanager.core.change_stamps import request_stamp

    login_as("agent")
    seen = []
    client.application.add_url_rule(
        "/_test/stamp", "test_stamp", lambda: seen.append(request_stamp("users")) or "ok"
    )
    from cloudmanager.core import permissions

    permissions.ENDPOINTS["test_stamp"] = permissions.SIGNED_IN
    try:
        client.get("/_test/stamp")
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE change_stamps SET counter = counter + 5 WHERE name = 'users'")
            )
        client.get("/_test/stamp")
    finally:
        permissions.ENDPOINTS.pop("test_stamp", None)
    assert seen[1] == seen[0] + 5
    assert db.session.get(ChangeStamp, "users").counter == seen[1]


def test_a_dropped_connection_is_replaced_before_a_page_uses_it(postgres, client, login_as):
    login_as("agent")
    assert client.get("/customers/").status_code == 200
    postgres.session.remove()
    killer = postgres.engine.pool._creator()  # outside the pool
    try:
        cursor = killer.cursor()
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        killer.commit()
    finally:
        killer.close()
    assert client.get("/customers/").status_code == 200


def _check_against_a_missing_table(dialect, dbapi_connection, monkeypatch) -> dict:
    """Run the check with a query that fails; what it left in the record's info."""
    from cloudmanager.core import database

    info = {CHECKED_ROWS: ["stale"]}
    with monkeypatch.context() as patched:
        patched.setitem(database._CONNECTION_CHECK, "sql", "SELECT name FROM no_such_table")
        run_connection_check(dialect, dbapi_connection, info)
    return info


def test_a_failing_check_leaves_no_rows_and_no_transaction(postgres, monkeypatch):
    raw = postgres.engine.raw_connection()
    try:
        dbapi_connection = raw.dbapi_connection
        dbapi_connection.autocommit = False
        info = _check_against_a_missing_table(
            postgres.engine.dialect, dbapi_connection, monkeypatch
        )
        assert CHECKED_ROWS not in info
        assert dbapi_connection.autocommit is False
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 2")  # usable: the failed check left no aborted transaction
        assert cursor.fetchone() == (2,)
    finally:
        raw.close()


def test_a_failing_check_on_sqlite_leaves_no_rows_and_no_transaction(db, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's own path")
    raw = db.engine.raw_connection()
    try:
        dbapi_connection = raw.dbapi_connection
        info = _check_against_a_missing_table(db.engine.dialect, dbapi_connection, monkeypatch)
        assert CHECKED_ROWS not in info
        assert not dbapi_connection.in_transaction
        run_connection_check(db.engine.dialect, dbapi_connection, info)
        expected = dbapi_connection.execute("SELECT name, counter FROM change_stamps")
        assert info[CHECKED_ROWS] == expected.fetchall()
        assert not dbapi_connection.in_transaction
    finally:
        raw.close()
