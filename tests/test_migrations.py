"""Migrations: `flask db upgrade` from empty builds exactly the models' schema, and goes back.

Runs on a fresh SQLite file, and on a fresh PostgreSQL database (created next to
TEST_DATABASE_URL and dropped afterwards) when TEST_DATABASE_URL is set. Every
revision is walked, whoever added it.
"""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cloudmanager.core.migration_filters import include_name
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from cloudmanager import create_app
from cloudmanager.config import BASE_DIR, TestConfig
from cloudmanager.config import database_url
from cloudmanager.extensions import db

pytestmark = pytest.mark.slow


def fresh_postgres_database():
    """Create an empty database on TEST_DATABASE_URL's server; yields its URL, then drops it."""
    server_url = make_url(database_url(os.environ["TEST_DATABASE_URL"]))
    name = f"{server_url.database}_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """The URL of an empty database of each kind (PostgreSQL only with TEST_DATABASE_URL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("needs TEST_DATABASE_URL")
    yield from fresh_postgres_database()


@pytest.fixture
def migration_app(empty_database):
    """An app bound to the empty database, with its context pushed."""

    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database

    app = create_app(MigrationConfig)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def flask_db(app, *args: str):
    """Run `flask db …` and fail with its output when it fails."""
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, f"flask db {' '.join(args)} failed:\n{result.output}"
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def schema_differences(app) -> list:
    """What autogenerate would write to make the database match the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True, "include_name": include_name},
        )
        return compare_metadata(context, db.metadata)


def revisions_in_order() -> list[str]:
    """Every revision from base to head."""
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def user_tables(app) -> set[str]:
    """Tables in the database, without Alembic's bookkeeping."""
    names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if include_name(name, "table", {})}


def test_migrations_have_a_single_head():
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}; merge them"


def test_upgrade_from_empty_matches_the_models_exactly(migration_app):
    flask_db(migration_app, "upgrade")

    assert schema_differences(migration_app) == []
    assert user_tables(migration_app) == set(db.metadata.tables)


def test_every_revision_upgrades_and_downgrades_one_step_at_a_time(migration_app):
    revisions = revisions_in_order()
    for revision in revisions:
        flask_db(migration_app, "upgrade", revision)
    for previous in reversed(["base", *revisions[:-1]]):
        flask_db(migration_app, "downgrade", previous)

    assert user_tables(migration_app) == set()
    flask_db(migration_app, "upgrade")  # and back up again after a full round trip
    assert schema_differences(migration_app) == []


def test_downgrade_to_base_removes_every_table(migration_app):
    flask_db(migration_app, "upgrade")
    flask_db(migration_app, "downgrade", "base")

    assert user_tables(migration_app) == set()


def test_comparison_reports_models_that_migrations_do_not_build(migration_app):
    from sqlalchemy import Column, Integer, MetaData, String, Table

    flask_db(migration_app, "upgrade")
    drifted = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(drifted)
    Table("not_migrated", drifted, Column("id", Integer, primary_key=True))
    drifted.tables["users"].c.email.type = String(100)

    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, drifted)

    kinds = {diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in differences}
    assert kinds == {"add_table", "modify_type"}


def test_the_global_activation_setting_becomes_each_products_choice(migration_app):
    """649412429bb8: a stored orders.activate_before_payment = true starts every existing
    product's services on order; the setting's row is gone afterwards."""
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    before = script.get_revision("649412429bb8").down_revision
    flask_db(migration_app, "upgrade", before)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO settings (key, value, updated_at) "
                "VALUES ('orders.activate_before_payment', 'true', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO products (sku, name, description, kind, currency, setup_fee, active, "
                "visible_in_portal, created_at, updated_at) VALUES ('OLD', 'Old', '', "
                "'recurring', 'EUR', 0, true, true, '2026-01-01', '2026-01-01')"
            )
        )
    flask_db(migration_app, "upgrade", "649412429bb8")
    with db.engine.connect() as connection:
        assert bool(connection.execute(text("SELECT activate_on_order FROM products")).scalar())
        assert connection.execute(text("SELECT count(*) FROM settings")).scalar() == 0


def test_payments_get_their_invoices_issue_date(migration_app):
    """f1db59b70040: existing payments are filled with the issue date of their invoice."""
    from datetime import date, datetime
    from decimal import Decimal

    from cloudmanager.invoices.models import Invoice, Payment

    flask_db(migration_app, "upgrade", "f1db59b70040")
    # The customers table as it was then (the model has columns of later revisions).
    customer_id = db.session.execute(
        text(
            "INSERT INTO customers (number, kind, name, email, phone, website, vat_id, "
            "address_line1, address_line2, city, postcode, country, currency, "
            "payment_terms_days, status, notes, search_text, created_at, updated_at) VALUES "
            "('C-000001', 'company', 'Alpha GmbH', 'a@example.com', '', '', '', '', '', '', '', "
            "'DE', 'EUR', 14, 'active', '', '', :now, :now) RETURNING id"
        ),
        {"now": datetime(2026, 3, 1)},
    ).scalar()
    invoice = Invoice(customer_id=customer_id, state="issued", issue_date=date(2026, 3, 2))
    db.session.add(invoice)
    db.session.flush()
    db.session.add(
        Payment(
            invoice_id=invoice.id,
            customer_id=customer_id,
            invoice_issue_date=date(2026, 3, 2),
            amount=Decimal("10.00"),
            applied=Decimal("10.00"),
            method="bank_transfer",
            reference="TX-1",
            received_on=date(2026, 3, 9),
        )
    )
    db.session.commit()
    db.session.remove()
    flask_db(migration_app, "downgrade", "ea8c87ea8013")  # the column goes, the rows stay
    flask_db(migration_app, "upgrade", "f1db59b70040")
    with db.engine.connect() as connection:
        filled = connection.execute(text("SELECT invoice_issue_date FROM payments")).scalar()
    assert str(filled) == "2026-03-02"


def test_the_search_index_is_rebuilt_newest_first_and_back(migration_app):
    """5b7d2f9c1a64 (SQLite): customers indexed before it are found after it, and after a
    downgrade; on PostgreSQL it changes nothing."""
    from cloudmanager.customers.filters import CustomerFilters
    from cloudmanager.customers.search import customer_page

    flask_db(migration_app, "upgrade", "8c4f1e2a6b93")
    for number, name in [("C-000001", "Old Cloud One"), ("C-000002", "Old Cloud Two")]:
        db.session.execute(
            text(
                "INSERT INTO customers (number, kind, name, email, phone, website, vat_id, "
                "address_line1, address_line2, city, postcode, country, currency, "
                "payment_terms_days, status, notes, search_text, created_at, updated_at) "
                "VALUES (:number, 'company', :name, :email, '', '', '', '', '', '', '', 'DE', "
                "'EUR', 14, 'active', '', :search, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {
                "number": number,
                "name": name,
                "email": f"{number}@x.example",
                "search": name.lower(),
            },
        )
    db.session.commit()
    flask_db(migration_app, "upgrade", "5b7d2f9c1a64")

    def found(**args):
        return [row.name for row in customer_page(CustomerFilters.from_args(args)).items]

    assert found(q="old cloud") == ["Old Cloud Two", "Old Cloud One"]
    assert found(q="cloud one", sort="name") == ["Old Cloud One"]
    db.session.execute(
        text("UPDATE customers SET search_text = 'renamed' WHERE number = 'C-000002'")
    )
    db.session.commit()
    assert found(q="old cloud") == ["Old Cloud One"]
    db.session.remove()

    flask_db(migration_app, "downgrade", "8c4f1e2a6b93")
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            matches = connection.execute(
                text("SELECT rowid FROM customers_fts WHERE customers_fts MATCH '\"cloud\"'")
            ).scalars()
            assert list(matches) == [1]
