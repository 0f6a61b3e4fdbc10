"""customers: an index on (country, name, id) for the list filtered by country

Revision ID: 0a7c3e5d9b21
Revises: f1db59b70040
Create Date: 2026-11-26 19:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0a7c3e5d9b21"
down_revision = "f1db59b70040"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customers_country_name_id", ["country", "name", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_country_name_id")
