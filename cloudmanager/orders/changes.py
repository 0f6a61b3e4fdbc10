"""Changing a service's plan or quantity in the middle of a paid period, with proration.

The unused part of the current period at the old price is credited and the
same days at the new price are charged, on one invoice: one line for the new
plan's remaining days, carrying the old plan's unused days as its discount
(invoice lines cannot be negative). When the credit is larger (a downgrade),
no invoice is issued and the difference goes to the customer's account
credit. The next periods are billed at the new price. Proration is by days,
half-up to cents (`periods.prorate`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.core.money import ZERO
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.orders.lifecycle import lock_service, record_event
from cloudmanager.orders.models import ACTIVE, Service
from cloudmanager.orders.periods import Period, monthly_amount, period, prorate


@dataclass(frozen=True)
class Proration:
    """The money of a change: what is credited, what is charged, for which days."""

    span: Period
    from_day: date
    credit: Decimal
    charge: Decimal
    new_unit_price: Decimal

    @property
    def difference(self) -> Decimal:
        """Charge − credit: positive means the customer pays."""
        return self.charge - self.credit


def _period_total(unit_price: Decimal, quantity: int, discount: Decimal) -> Decimal:
    return unit_price * quantity - discount


def compute_proration(service: Service, product: Any, quantity: int, on: date) -> Proration:
    """What changing `service` to `product` × `quantity` on `on` costs or refunds."""
    from cloudmanager.products.services import product_price

    if service.periods_billed < 1:
        raise Conflict("This service has no paid period to change.")
    span = period(service.period_anchor, service.cycle, service.periods_billed - 1)
    if not span.start <= on <= span.end:
        raise Conflict("Bill the current period first (run the billing run), then change it.")
    new_price = product_price(product, service.cycle)
    old_total = _period_total(service.unit_price, service.quantity, service.discount)
    credit = prorate(old_total, span, on)
    charge = prorate(_period_total(new_price, quantity, ZERO), span, on)
    return Proration(span, on, credit, charge, new_price)


def _clean(data: dict[str, Any], service: Service):
    from cloudmanager.products.models import Product

    text = str(data.get("product_id") or service.product_id).strip()
    product = db.session.get(Product, int(text)) if text.isdigit() else None
    errors = {}
    if product is None or product.is_archived or not product.active or not product.is_recurring:
        errors["product_id"] = "Choose a recurring product that is on sale."
    elif service.cycle not in product.offered_cycles:
        errors["product_id"] = f"{product.name} is not offered {service.cycle}."
    quantity_text = str(data.get("quantity") or service.quantity).strip()
    if not quantity_text.isdigit() or not 1 <= int(quantity_text) <= 10000:
        errors["quantity"] = "Enter a whole number from 1 to 10000."
    if errors:
        raise ValidationFailed(errors)
    if product.id == service.product_id and int(quantity_text) == service.quantity:
        raise ValidationFailed({"quantity": "Nothing changes: pick another plan or quantity."})
    return product, int(quantity_text)


def _invoice(service: Service, product: Any, quantity: int, change: Proration, by: Any):
    from cloudmanager.invoices.drafts import create_draft
    from cloudmanager.invoices.issuing import issue_invoice

    days = f"{change.from_day:%d %b %Y} – {change.span.end:%d %b %Y}"
    row = {
        "description": f"{product.name} × {quantity} for {days}, less the unused "
        f"{service.name} × {service.quantity} ({change.credit})",
        "quantity": "1",
        "unit_price": str(change.charge),
        "discount": str(change.credit),
        "tax_rate_id": str(product.tax_rate_id or ""),
        "product_id": str(product.id),
    }
    invoice = create_draft(service.customer, {"lines": [row]}, by=by)
    return issue_invoice(invoice, by=by, on=change.from_day)


def _credit(service: Service, amount: Decimal) -> None:
    from cloudmanager.invoices.models import CreditEntry

    db.session.add(
        CreditEntry(
            customer_id=service.customer_id,
            amount=amount,
            kind="proration",
            description=f"Unused part of {service.number} after a plan change",
        )
    )


def change_service(
    service: Service, data: dict[str, Any], *, by: Any, on: date | None = None
) -> Proration:
    """Move an active service to another plan and/or quantity from `on` (default today)."""
    service = lock_service(service.id)
    if service.status != ACTIVE:
        raise Conflict(f"A {service.status} service cannot change plan.")
    product, quantity = _clean(data, service)
    change = compute_proration(service, product, quantity, on or utcnow().date())
    before = {
        "product_id": service.product_id,
        "quantity": service.quantity,
        "unit_price": service.unit_price,
    }
    invoice = None
    if change.difference > 0:
        invoice = _invoice(service, product, quantity, change, by)
    elif change.difference < 0:
        _credit(service, -change.difference)
    service.product_id, service.name, service.quantity = product.id, product.name, quantity
    service.unit_price, service.discount = change.new_unit_price, ZERO
    service.tax_rate_id = product.tax_rate_id
    old_mrr = service.mrr
    service.mrr = monthly_amount(service.unit_price * service.quantity, service.cycle)
    note = f"credit {change.credit}, charge {change.charge}"
    record_event(
        service,
        "changed",
        note=note,
        invoice_id=invoice.id if invoice else None,
        mrr_change=service.mrr - old_mrr,
        by=by,
    )
    audit(
        "service.changed",
        service,
        before=before,
        after={
            "product_id": product.id,
            "quantity": quantity,
            "unit_price": change.new_unit_price,
            "credit": change.credit,
            "charge": change.charge,
            "invoice_id": invoice.id if invoice else None,
        },
        actor=by,
    )
    return change
