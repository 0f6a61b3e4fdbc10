"""customers_fts (SQLite): contentless, keyed newest customer first

A search ordered newest first reads the FTS5 table in its own order and stops after
one page (cloudmanager.customers.search_index). Nothing changes on PostgreSQL.

Revision ID: 5b7d2f9c1a64
Revises: 8c4f1e2a6b93
Create Date: 2026-11-27 04:20:00.000000

"""

from alembic import op

from cloudmanager.customers import search_index

# revision identifiers, used by Alembic.
revision = "5b7d2f9c1a64"
down_revision = "8c4f1e2a6b93"
branch_labels = None
depends_on = None


def _run(statements):
    if op.get_bind().dialect.name == "sqlite":
        for statement in statements:
            op.execute(statement)


def upgrade():
    _run((*search_index.SQLITE_DROP, *search_index.SQLITE_DDL, *search_index.SQLITE_REFILL))


def downgrade():
    # The index as revision bc68910b883d made it, filled from customers again.
    made_it = op.get_context().script.get_revision("bc68910b883d").module
    rebuild = "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')"
    _run((*search_index.SQLITE_DROP, *made_it.SQLITE_SEARCH_DDL, rebuild))
