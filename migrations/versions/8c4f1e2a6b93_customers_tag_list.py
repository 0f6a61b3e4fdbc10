"""customers.tag_list: each customer's tags in one column, kept by triggers on customer_tags

The customer list reads a row's tags with the row instead of probing customer_tags
once per row (cloudmanager.customers.tag_list).

Revision ID: 8c4f1e2a6b93
Revises: 3d9e2b7c41f8
Create Date: 2026-11-27 01:05:00.000000

"""

import sqlalchemy as sa
from alembic import op

from cloudmanager.customers import tag_list

# revision identifiers, used by Alembic.
revision = "8c4f1e2a6b93"
down_revision = "3d9e2b7c41f8"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: a batch rebuild of customers would drop its search triggers.
    op.add_column("customers", sa.Column("tag_list", sa.Text(), server_default="", nullable=False))
    dialect = op.get_bind().dialect.name
    op.execute(tag_list.BACKFILL[dialect])
    for statement in tag_list.POSTGRES_DDL if dialect == "postgresql" else tag_list.SQLITE_DDL:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in tag_list.POSTGRES_DROP if dialect == "postgresql" else tag_list.SQLITE_DROP:
        op.execute(statement)
    # SQLite drops a column in place (3.35+): no rebuild, the search triggers stay.
    op.drop_column("customers", "tag_list")
