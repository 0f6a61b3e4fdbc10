"""The reporting benchmark's loader: rows fit the real schema and the books add up."""

from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from bench.reports_copy import TableCopier


def test_a_not_null_column_nobody_generates_stops_the_load(app):
    from cloudmanager.tickets.models import Ticket

    copier = TableCopier(Ticket.__table__, datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="tickets.subject is NOT NULL"):
        copier.copy(None, [{"department": "Billing"}])


@pytest.mark.postgres
def test_a_small_load_is_consistent_and_every_report_computes(db, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the benchmark loads by COPY into PostgreSQL")
    from bench.reports import fill
    from cloudmanager.invoices.breakdown import TaxBreakdown
    from cloudmanager.invoices.credit_models import CreditNote
    from cloudmanager.invoices.models import Invoice, InvoiceLine, Payment
    from cloudmanager.products.demo import seed_catalog, seed_tax_rates
    from cloudmanager.reporting.framework import REPORTS
    from cloudmanager.reporting.params import parse_params
    from cloudmanager.tickets.models import Ticket

    seed_tax_rates()
    seed_catalog()
    agents = [make_user("agent"), make_user("agent")]
    db.session.commit()
    sizes = {"customers": 40, "services": 60, "invoices": 300, "tickets": 150}
    counts = fill(sizes, 7, [(a.id, a.name) for a in agents])
    assert counts["invoices"] == 300 and counts["tickets"] == 150
    assert counts["invoice_lines"] >= 300 and counts["payments"] > 100

    line_sums = select(InvoiceLine.invoice_id, func.sum(InvoiceLine.net).label("net")).group_by(
        InvoiceLine.invoice_id
    )
    lines = line_sums.subquery()
    mismatched = db.session.scalar(
        select(func.count())
        .select_from(Invoice)
        .join(lines, lines.c.invoice_id == Invoice.id)
        .where(lines.c.net != Invoice.net_total)
    )
    assert mismatched == 0
    paid = db.session.scalar(select(func.sum(Invoice.paid_total)))
    assert paid == db.session.scalar(select(func.sum(Payment.applied)))
    assert db.session.scalar(select(func.count()).where(Ticket.number.is_(None))) == 0
    # What issuing and credit notes write besides the documents: the lines' issue date and
    # the VAT breakdown, which the revenue-by-product and tax reports read.
    undated = db.session.scalar(
        select(func.count())
        .select_from(InvoiceLine)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            Invoice.state != "draft", InvoiceLine.issue_date.is_distinct_from(Invoice.issue_date)
        )
    )
    assert undated == 0
    issued = select(func.sum(Invoice.net_total), func.sum(Invoice.tax_total)).where(
        Invoice.state != "draft"
    )
    in_breakdowns = select(func.sum(TaxBreakdown.taxable), func.sum(TaxBreakdown.tax)).where(
        TaxBreakdown.credit_note_id.is_(None)
    )
    assert db.session.execute(issued).one() == db.session.execute(in_breakdowns).one()
    credited = select(func.sum(CreditNote.net_total), func.sum(CreditNote.tax_total))
    in_credit_breakdowns = select(func.sum(TaxBreakdown.taxable), func.sum(TaxBreakdown.tax)).where(
        TaxBreakdown.credit_note_id.is_not(None)
    )
    assert db.session.execute(credited).one() == db.session.execute(in_credit_breakdowns).one()
    # The sequences moved past the loaded ids: the application can add rows.
    next_id = db.session.scalar(text("SELECT nextval(pg_get_serial_sequence('tickets', 'id'))"))
    assert next_id == 151

    for report in REPORTS.values():
        result = report.compute(parse_params(report, {}))
        assert result.columns
