"""The derived status of an invoice: paid, overdue and partially paid come from dates and balance."""

from datetime import date

from cloudmanager.core.timeutil import utcnow


def today() -> date:
    """Today's date in UTC (what "overdue" is measured against)."""
    return utcnow().date()


def derive_status(invoice) -> str:
    """draft, void, paid, overdue, partially_paid or issued; mirrors `Invoice.status` in SQL."""
    if invoice.state != "issued":
        return invoice.state
    if invoice.balance <= 0:
        return "paid"
    if invoice.due_date is not None and invoice.due_date < today():
        return "overdue"
    if invoice.paid_total + invoice.credited_total > 0:
        return "partially_paid"
    return "issued"
