"""Page reads on PostgreSQL run outside a transaction until they write (core/database.py).

A GET saves psycopg2's BEGIN and the pool's ROLLBACK; a GET that writes, locks or
moves a sequence still does so inside one transaction, committed or rolled back whole.
"""

import pytest
from sqlalchemy import event, func, select, text

from cloudmanager.core import permissions
from cloudmanager.core.database import is_plain_read
from cloudmanager.settings.models import Setting


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT users.id FROM users WHERE users.id = %(id)s",
        "  select count(*) from customers",
        "WITH RECURSIVE tags(tag) AS (SELECT min(tag) FROM customer_tags) SELECT tag FROM tags",
        "SELECT customers.updated_at FROM customers",  # "updated", not UPDATE
    ],
)
def test_plain_reads(statement):
    assert is_plain_read(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO settings (key, value) VALUES (%(key)s, %(value)s)",
        "UPDATE customers SET name = %(name)s",
        "DELETE FROM customer_tags WHERE customer_id = %(id)s",
        "SELECT invoices.id FROM invoices WHERE invoices.id = %(id)s FOR UPDATE",
        "SELECT customers.id FROM customers FOR NO KEY UPDATE OF customers",
        "SELECT id FROM customers FOR SHARE",
        "WITH moved AS (DELETE FROM a RETURNING *) SELECT * FROM moved",
        "SELECT pg_try_advisory_lock(%(key)s)",
        "SELECT nextval('invoice_numbers')",
        "CREATE TABLE t (id int)",
    ],
)
def test_statements_that_need_a_transaction(statement):
    assert not is_plain_read(statement)


@pytest.fixture
def postgres(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    return db


@pytest.fixture
def statements(postgres):
    """(statement, in a transaction?) of every statement run while the test lasts."""
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement.split()[0].upper(), not cursor.connection.autocommit))

    event.listen(postgres.engine, "after_cursor_execute", record)
    yield seen
    event.remove(postgres.engine, "after_cursor_execute", record)


@pytest.fixture
def route(app, monkeypatch):
    """Add a public test route `view` at /_test/<name> for `methods`."""

    def add(name, view, methods=("GET",)):
        app.add_url_rule(f"/_test/{name}", f"test_{name}", view, methods=list(methods))
        monkeypatch.setitem(permissions.ENDPOINTS, f"test_{name}", permissions.PUBLIC)

    return add


def settings_count(db) -> int:
    return db.session.execute(select(func.count()).select_from(Setting)).scalar()


def test_a_page_read_runs_outside_a_transaction(client, postgres, statements, route):
    route("read", lambda: str(postgres.session.execute(select(func.count(Setting.key))).scalar()))

    assert client.get("/_test/read").status_code == 200

    assert ("SELECT", False) in statements
    assert not any(in_transaction for _statement, in_transaction in statements)


def test_a_page_read_that_writes_commits_as_one(client, postgres, statements, route):
    def write_two():
        postgres.session.add(Setting(key="test.one", value=1))
        postgres.session.flush()
        postgres.session.add(Setting(key="test.two", value=2))
        postgres.session.commit()
        return "written"

    route("write", write_two)

    assert client.get("/_test/write").status_code == 200

    assert settings_count(postgres) == 2
    assert [in_transaction for name, in_transaction in statements if name == "INSERT"] == [
        True,
        True,
    ]


def test_a_page_read_that_fails_after_writing_leaves_nothing(client, postgres, route):
    def write_then_fail():
        postgres.session.add(Setting(key="test.one", value=1))
        postgres.session.flush()  # in autocommit this row would already be committed
        raise RuntimeError("the page fails after its first write")

    route("fail", write_then_fail)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False

    assert client.get("/_test/fail").status_code == 500

    assert settings_count(postgres) == 0


def test_a_locking_read_holds_its_lock_in_a_transaction(client, postgres, statements, route):
    def lock():
        postgres.session.execute(select(Setting.key).with_for_update()).all()
        return "locked"

    route("lock", lock)

    assert client.get("/_test/lock").status_code == 200

    assert ("SELECT", True) in statements


def test_a_form_post_is_a_transaction_from_its_first_read(client, postgres, statements, route):
    route("post", lambda: str(settings_count(postgres)), methods=["POST"])
    client.application.config["WTF_CSRF_ENABLED"] = False

    assert client.post("/_test/post").status_code == 200

    assert statements and all(in_transaction for _statement, in_transaction in statements)


def test_work_outside_a_request_stays_in_a_transaction(client, postgres, route):
    route("read", lambda: str(settings_count(postgres)))
    assert client.get("/_test/read").status_code == 200  # the pool's connection was autocommit

    postgres.session.remove()
    connection = postgres.session.connection().connection.dbapi_connection

    assert connection.autocommit is False


def test_a_connection_asked_for_autocommit_keeps_it_for_any_statement(postgres):
    with postgres.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE settings"))  # refused inside a transaction
        assert connection.connection.dbapi_connection.autocommit is True
