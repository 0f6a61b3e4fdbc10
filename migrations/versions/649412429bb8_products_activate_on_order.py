"""products: activate_on_order (replaces the global orders.activate_before_payment setting)

Revision ID: 649412429bb8
Revises: 0f60f2581e56
Create Date: 2026-11-26 09:25:50.584754

Services started before their first invoice was paid when the global setting
said so; now each product says it. Products take the setting's stored value
(False when it was never changed), and the setting's row goes away.
"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "649412429bb8"
down_revision = "0f60f2581e56"
branch_labels = None
depends_on = None

SETTING = "orders.activate_before_payment"
settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON))
products = sa.table("products", sa.column("activate_on_order", sa.Boolean))


def _stored_setting(bind) -> bool:
    value = bind.execute(sa.select(settings.c.value).where(settings.c.key == SETTING)).scalar()
    if isinstance(value, str):  # a driver that hands JSON back as text
        value = json.loads(value)
    return bool(value)


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("activate_on_order", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    bind = op.get_bind()
    if _stored_setting(bind):
        bind.execute(products.update().values(activate_on_order=True))
    bind.execute(settings.delete().where(settings.c.key == SETTING))
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.alter_column("activate_on_order", server_default=None)


def downgrade():
    # The per-product choices cannot be folded back into one switch: the old
    # default (start on payment) applies again.
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("activate_on_order")
