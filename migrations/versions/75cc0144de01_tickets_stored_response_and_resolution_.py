"""tickets: stored response and resolution measures

Business minutes to the first response and to resolution, and whether each met
its SLA, stored when they become known; indexes that cover what the reports read.
Tickets answered or resolved before this revision get their measures from
`flask tickets backfill-measures` (it needs the helpdesk calendar from settings).

Revision ID: 75cc0144de01
Revises: 649412429bb8
Create Date: 2026-11-26 09:25:56.380261

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '75cc0144de01'
down_revision = '649412429bb8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_response_business_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_response_sla_met', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('resolution_business_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolution_sla_met', sa.Boolean(), nullable=True))
        batch_op.create_index('ix_tickets_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_tickets_first_response_measures', ['first_responded_at', 'first_response_business_minutes', 'first_response_sla_met', 'department', 'assignee_id', 'priority'], unique=False)
        batch_op.create_index('ix_tickets_resolution_measures', ['resolved_at', 'resolution_business_minutes', 'resolution_sla_met', 'department', 'assignee_id', 'priority'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_resolution_measures')
        batch_op.drop_index('ix_tickets_first_response_measures')
        batch_op.drop_index('ix_tickets_created_at')
        batch_op.drop_column('resolution_sla_met')
        batch_op.drop_column('resolution_business_minutes')
        batch_op.drop_column('first_response_sla_met')
        batch_op.drop_column('first_response_business_minutes')
