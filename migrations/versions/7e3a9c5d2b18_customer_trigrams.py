"""customer_trigrams (PostgreSQL): ordered trigram postings for newest-first searches

A common term searched newest first walks one trigram's postings in customer order
and stops after a page (cloudmanager.customers.search_postings). Nothing changes on
SQLite.

Revision ID: 7e3a9c5d2b18
Revises: 5b7d2f9c1a64
Create Date: 2026-11-27 06:40:00.000000

"""

from alembic import op

from cloudmanager.customers import search_postings

# revision identifiers, used by Alembic.
revision = "7e3a9c5d2b18"
down_revision = "5b7d2f9c1a64"
branch_labels = None
depends_on = None


def _run(statements):
    if op.get_bind().dialect.name == "postgresql":
        for statement in statements:
            op.execute(statement)


def upgrade():
    _run((*search_postings.POSTGRES_DDL, *search_postings.POSTGRES_REFILL))


def downgrade():
    _run(search_postings.POSTGRES_DROP)
