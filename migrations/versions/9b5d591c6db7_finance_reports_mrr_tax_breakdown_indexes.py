"""finance reports: service MRR, plan-change MRR, tax breakdowns, line issue dates, indexes

services.mrr is filled from each service's current price; plan changes made
before this revision left no MRR trace, so the MRR report treats those services
as if they had always had today's price. Issued documents get their VAT
breakdown (per rate: taxable amount and tax, rounded once per document) and
their lines the invoice's issue date; credit notes issued before this revision
get the tax of their own lines (a closing note's one-cent adjustment, if any,
is not known any more).

Revision ID: 9b5d591c6db7
Revises: 75cc0144de01
Create Date: 2026-11-26 09:29:29.410296

"""
from alembic import op
import sqlalchemy as sa

import cloudmanager.core.money

MONTHS = "CASE cycle WHEN 'quarterly' THEN 3 WHEN 'semiannual' THEN 6 WHEN 'annual' THEN 12 ELSE 1 END"
OPEN = "state = 'issued' AND gross_total - paid_total - credited_total > 0"
OPEN_INCLUDE = ['id', 'issue_date', 'currency', 'gross_total', 'paid_total', 'credited_total']
REVENUE_INCLUDE = ['state', 'currency', 'customer_id', 'net_total', 'tax_total', 'gross_total']
PAYMENT_INCLUDE = ['invoice_id', 'customer_id', 'method', 'amount', 'applied']
BREAKDOWN_INCLUDE = ['invoice_id', 'credit_note_id', 'currency', 'tax_name', 'rate', 'reverse_charge', 'taxable', 'tax']


# revision identifiers, used by Alembic.
revision = '9b5d591c6db7'
down_revision = "75cc0144de01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tax_breakdowns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('credit_note_id', sa.Integer(), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('tax_name', sa.String(length=80), nullable=False),
    sa.Column('rate', cloudmanager.core.money.Money(scale=2, precision=5), nullable=False),
    sa.Column('reverse_charge', sa.Boolean(), nullable=False),
    sa.Column('taxable', cloudmanager.core.money.Money(scale=2, precision=18), nullable=False),
    sa.Column('tax', cloudmanager.core.money.Money(scale=2, precision=18), nullable=False),
    sa.ForeignKeyConstraint(['credit_note_id'], ['credit_notes.id'], name=op.f('fk_tax_breakdowns_credit_note_id_credit_notes'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_tax_breakdowns_invoice_id_invoices'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tax_breakdowns'))
    )
    with op.batch_alter_table('tax_breakdowns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tax_breakdowns_credit_note_id'), ['credit_note_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tax_breakdowns_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index('ix_tax_breakdowns_issue_date', ['issue_date'], unique=False, postgresql_include=BREAKDOWN_INCLUDE)

    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.create_index('ix_credit_notes_issue_date', ['issue_date'], unique=False)

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issue_date', sa.Date(), nullable=True))

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_issue_date_id')
        batch_op.create_index('ix_invoices_issue_date_id', ['issue_date', 'id'], unique=False, postgresql_include=REVENUE_INCLUDE)
        batch_op.create_index('ix_invoices_currency', ['currency'], unique=False)
        batch_op.create_index('ix_invoices_open', ['customer_id', 'due_date'], unique=False, postgresql_where=sa.text(OPEN), postgresql_include=OPEN_INCLUDE, sqlite_where=sa.text(OPEN))

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_received_on', ['received_on'], unique=False, postgresql_include=PAYMENT_INCLUDE)

    with op.batch_alter_table('service_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mrr_change', cloudmanager.core.money.Money(scale=2, precision=18), nullable=True))
        batch_op.create_index('ix_service_events_mrr_change', ['service_id'], unique=False, postgresql_where=sa.text('mrr_change IS NOT NULL'), sqlite_where=sa.text('mrr_change IS NOT NULL'))

    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mrr', cloudmanager.core.money.Money(scale=2, precision=18), server_default='0', nullable=False))

    _fill_service_mrr()
    _fill_line_issue_dates()
    # Indexed after the fill: one build instead of an update per entry.
    op.create_index('ix_invoice_lines_issue_date', 'invoice_lines', ['issue_date', 'invoice_id'], unique=False, postgresql_include=['product_id', 'net'])
    _fill_tax_breakdowns()
    # The MRR report finds the (few) customers billed in other currencies by it.
    op.create_index('ix_customers_currency', 'customers', ['currency'], unique=False)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _fill_service_mrr():
    """mrr = the period's total (rounded to cents) / the cycle's months, half-up to cents."""
    if _sqlite():
        # Money is stored scaled there: unit_price in 1/10000, discount and mrr in cents.
        cents = "((unit_price * quantity - discount * 100 + 50) / 100)"
        op.execute(f"UPDATE services SET mrr = (2 * {cents} + {MONTHS}) / (2 * {MONTHS})")
    else:
        op.execute(
            "UPDATE services SET mrr = "
            f"ROUND(ROUND(unit_price * quantity - discount, 2) / {MONTHS}, 2)"
        )


def _fill_line_issue_dates():
    op.execute(
        "UPDATE invoice_lines SET issue_date = "
        "(SELECT issue_date FROM invoices WHERE invoices.id = invoice_lines.invoice_id) "
        "WHERE invoice_id IN (SELECT id FROM invoices WHERE state <> 'draft')"
    )


def _fill_tax_breakdowns():
    """Per document and rate: the lines' nets and the tax on their sum, half-up to cents."""
    rate = "CASE WHEN l.reverse_charge THEN 0 ELSE l.tax_rate END"
    if _sqlite():  # cents × hundredths of a percent
        tax = f"(SUM(l.net) * {rate} + 5000) / 10000"
    else:
        tax = f"ROUND(SUM(l.net) * {rate} / 100, 2)"
    columns = "invoice_id, credit_note_id, issue_date, currency, tax_name, rate, reverse_charge, taxable, tax"
    picked = f"MIN(l.tax_name), {rate}, l.reverse_charge, SUM(l.net), {tax}"
    op.execute(
        f"INSERT INTO tax_breakdowns ({columns}) "
        f"SELECT i.id, NULL, i.issue_date, i.currency, {picked} "
        "FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.state <> 'draft' "
        f"GROUP BY i.id, i.issue_date, i.currency, {rate}, l.reverse_charge"
    )
    op.execute(
        f"INSERT INTO tax_breakdowns ({columns}) "
        f"SELECT n.invoice_id, n.id, n.issue_date, i.currency, {picked} "
        "FROM credit_note_lines l JOIN credit_notes n ON n.id = l.credit_note_id "
        "JOIN invoices i ON i.id = n.invoice_id "
        f"GROUP BY n.id, n.invoice_id, n.issue_date, i.currency, {rate}, l.reverse_charge"
    )


def downgrade():
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy of these tables would trip
    # the foreign keys that point at them once they hold rows.
    op.drop_index('ix_customers_currency', table_name='customers')
    op.drop_column('services', 'mrr')
    op.drop_index('ix_service_events_mrr_change', table_name='service_events')
    op.drop_column('service_events', 'mrr_change')
    op.drop_index('ix_payments_received_on', table_name='payments')
    op.drop_index('ix_invoices_open', table_name='invoices')
    op.drop_index('ix_invoices_currency', table_name='invoices')
    op.drop_index('ix_invoices_issue_date_id', table_name='invoices')
    op.create_index('ix_invoices_issue_date_id', 'invoices', ['issue_date', 'id'], unique=False)
    op.drop_index('ix_invoice_lines_issue_date', table_name='invoice_lines')
    op.drop_column('invoice_lines', 'issue_date')
    op.drop_index('ix_credit_notes_issue_date', table_name='credit_notes')
    op.drop_index('ix_tax_breakdowns_issue_date', table_name='tax_breakdowns')
    op.drop_index(op.f('ix_tax_breakdowns_invoice_id'), table_name='tax_breakdowns')
    op.drop_index(op.f('ix_tax_breakdowns_credit_note_id'), table_name='tax_breakdowns')
    op.drop_table('tax_breakdowns')
