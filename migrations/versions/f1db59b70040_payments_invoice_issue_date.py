"""payments carry their invoice's issue date (for the receivables aging as of a past day)

Filled from the invoices; the received-on index covers it on PostgreSQL.

Revision ID: f1db59b70040
Revises: ea8c87ea8013
Create Date: 2026-11-26 13:08:16.086238

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1db59b70040'
down_revision = 'ea8c87ea8013'
branch_labels = None
depends_on = None

OLD_INCLUDE = ['invoice_id', 'customer_id', 'method', 'amount', 'applied']
NEW_INCLUDE = OLD_INCLUDE + ['invoice_issue_date']


def upgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoice_issue_date', sa.Date(), nullable=True))
    op.execute(
        "UPDATE payments SET invoice_issue_date = "
        "(SELECT issue_date FROM invoices WHERE invoices.id = payments.invoice_id)"
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.alter_column('invoice_issue_date', existing_type=sa.Date(), nullable=False)
        batch_op.drop_index('ix_payments_received_on')
        batch_op.create_index('ix_payments_received_on', ['received_on'], unique=False, postgresql_include=NEW_INCLUDE)


def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_received_on')
        batch_op.create_index('ix_payments_received_on', ['received_on'], unique=False, postgresql_include=OLD_INCLUDE)
        batch_op.drop_column('invoice_issue_date')
