"""change stamps: a counter per watched table, moved by triggers

Web processes keep the settings and the signed-in staff user, and the customer list
the tags and countries in use, while their stamps hold (cloudmanager.core.change_stamps).

Revision ID: 3d9e2b7c41f8
Revises: 0a7c3e5d9b21
Create Date: 2026-11-27 01:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from cloudmanager.core.change_stamps import drop_trigger_ddl, trigger_ddl

# revision identifiers, used by Alembic.
revision = "3d9e2b7c41f8"
down_revision = "0a7c3e5d9b21"
branch_labels = None
depends_on = None

# Each watched table, and the columns whose update moves its stamp (none: any update).
WATCHED = {"customer_tags": (), "customers": ("country",), "settings": (), "users": ()}


def upgrade():
    op.create_table(
        "change_stamps",
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_change_stamps")),
    )
    dialect = op.get_bind().dialect.name
    for table, columns in WATCHED.items():
        for statement in trigger_ddl(table, dialect, columns):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in WATCHED:
        for statement in drop_trigger_ddl(table, dialect):
            op.execute(statement)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS move_change_stamp()")
    op.drop_table("change_stamps")
