"""How invoices plug into customers and products: the customer tab and delete vetoes."""

from sqlalchemy import func, select

from cloudmanager.extensions import db
from cloudmanager.invoices.models import Invoice, InvoiceLine


def customer_invoice_count(customer) -> str | None:
    """ "3 invoices" when the customer has invoices (so it is deactivated, not deleted)."""
    count = db.session.scalar(
        select(func.count(Invoice.id)).where(Invoice.customer_id == customer.id)
    )
    return f"{count} invoice{'s' if count != 1 else ''}" if count else None


def product_was_invoiced(product_id: int) -> bool:
    """True when an invoice line names the product (so it is archived, not deleted)."""
    return (
        db.session.scalar(
            select(InvoiceLine.id).where(InvoiceLine.product_id == product_id).limit(1)
        )
        is not None
    )


def register() -> None:
    """Register the tab and the checks with the customers and products modules."""
    from cloudmanager.customers.services import register_history_check
    from cloudmanager.customers.tabs import CustomerTab, register_customer_tab
    from cloudmanager.invoices.views import customer_tab
    from cloudmanager.products.services import register_sales_check

    register_customer_tab(
        CustomerTab("invoices", "Invoices", "receipt", "invoices.view", customer_tab)
    )
    register_history_check(customer_invoice_count)
    register_sales_check(product_was_invoiced)
