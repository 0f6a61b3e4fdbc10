"""Demo invoices: paid, partially paid, overdue, reverse-charge, credited, void and a draft."""

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.money import round_money
from cloudmanager.extensions import db

# (customer email, days ago issued, [(sku or text, quantity, unit price or None)], what happens)
SCENARIOS = [
    ("billing@nordlicht-hosting.de", 75, [("CS-M", "3", None), ("BKP-DAILY", "3", None)], "paid"),
    ("office@kanzlei-weber.de", 62, [("SVC-SETUP", "1", None), ("CS-S", "1", None)], "paid"),
    ("faktury@wisla-software.pl", 50, [("K8S-STD", "1", None)], "void"),
    (
        "billing@nordlicht-hosting.de",
        40,
        [("CS-L", "2", None), ("SUP-STANDARD", "1", None)],
        "open",
    ),
    ("buchhaltung@falkenberg-bier.de", 30, [("CS-M", "1", None), ("BS-100", "2", None)], "partial"),
    ("rechnung@alpenblick.at", 21, [("CS-S", "2", None), ("OBJ-250", "1", None)], "credited"),
    ("compta@lumiere-digitale.fr", 12, [("SVC-MIGRATION", "1", None), ("CS-M", "1", None)], "open"),
    ("jonas.richter@posteo.de", 6, [("Domain transfer example.de", "1", "12.5000")], "overpaid"),
    ("administratie@tulipa-web.nl", 3, [("CS-S", "4", None), ("BKP-DAILY", "4", None)], "open"),
    ("billing@nordlicht-hosting.de", 0, [("Consulting (hours)", "2.5", "95.0000")], "draft"),
]


def _line(entry: tuple, products: dict[str, Any]) -> dict[str, str]:
    from cloudmanager.products.services import product_price

    key, quantity, price = entry
    product = products.get(key)
    if product is None:
        return {"description": key, "quantity": quantity, "unit_price": price}
    cycle = None if product.kind == "one_off" else "monthly"
    try:
        amount = product_price(product, cycle)
    except ValidationFailed:  # a product without a monthly price in a changed catalog
        amount = product.one_off_price or 0
    return {
        "description": product.name + ("" if cycle is None else " (monthly)"),
        "quantity": quantity,
        "unit_price": str(amount),
        "tax_rate_id": str(product.tax_rate_id or ""),
        "product_id": str(product.id),
    }


def seed_invoices() -> list[str]:
    """A dozen invoices in every state, for the demo customers (once)."""
    from cloudmanager.auth.models import User
    from cloudmanager.customers.models import Customer
    from cloudmanager.invoices.credit_notes import create_credit_note
    from cloudmanager.invoices.drafts import create_draft
    from cloudmanager.invoices.issuing import issue_invoice, void_invoice
    from cloudmanager.invoices.models import Invoice
    from cloudmanager.invoices.payments import record_payment
    from cloudmanager.invoices.status import today
    from cloudmanager.products.models import Product

    if db.session.scalar(select(Invoice.id).limit(1)) is not None:
        return ["invoices: already present"]
    by = db.session.scalar(select(User).where(User.role == "accountant").order_by(User.id))
    customers = {c.email: c for c in db.session.scalars(select(Customer))}
    products = {p.sku: p for p in db.session.scalars(select(Product))}
    made = 0
    for number, (email, days_ago, lines, outcome) in enumerate(SCENARIOS):
        customer = customers.get(email)
        if customer is None:
            continue
        data = {"lines": [_line(entry, products) for entry in lines]}
        invoice = create_draft(customer, data, by=by)
        made += 1
        if outcome == "draft":
            continue
        issued_on = today() - timedelta(days=days_ago)
        issue_invoice(invoice, by=by, on=issued_on, notify=False)
        reference = f"DEMO-{issued_on:%Y%m%d}-{number}"
        if outcome in ("paid", "partial", "overpaid"):
            amount = {
                "paid": invoice.gross_total,
                "partial": round_money(invoice.gross_total / 2),
                "overpaid": invoice.gross_total + 20,
            }[outcome]
            method = "cash" if outcome == "overpaid" else "bank_transfer"
            received = min(issued_on + timedelta(days=9), today()).isoformat()
            record_payment(
                invoice,
                {
                    "amount": str(amount),
                    "method": method,
                    "reference": reference,
                    "received_on": received,
                },
                by=by,
            )
        elif outcome == "credited":
            first = invoice.lines[0]
            create_credit_note(
                invoice,
                {"quantities": {first.id: "1"}, "reason": "One server cancelled in the first week"},
                by=by,
                on=issued_on + timedelta(days=5),
            )
        elif outcome == "void":
            void_invoice(invoice, "Issued to the wrong legal entity; replaced", by=by)
    return [f"invoices: {made} created"]
