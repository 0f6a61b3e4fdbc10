"""Changing a service's plan or quantity from a day inside a billed period, with proration.

The change applies from `on`, which must fall within a period already billed
(the billing run bills the next period up to `invoicing.renewal_days_before`
ahead, so in that window two periods are billed). The part of `on`'s period
from `on` to its end is prorated by days (credit the old plan, charge the new
one, half-up to cents: `periods.prorate`), and every period billed after it is
credited in full at the old price and charged in full at the new price. The
documents (`change_documents`) are VAT-correct: the credit is a credit note
against the invoices that billed those days, at their tax, unless it can be
netted into the upgrade's one invoice at the same tax. Later periods are
billed at the new price.

The service's discount (an amount per period) follows what WHMCS and Odoo users
expect: a quantity change keeps it, scaled to the new quantity (Odoo keeps a
line's discount percent when the quantity changes); a new plan ends it (WHMCS
bills an upgrade at the new product's price, a deal on the old product does not
follow). The history note and the audit entry say which happened.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.core.money import ZERO, round_money
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.orders.lifecycle import lock_service, record_event
from cloudmanager.orders.models import ACTIVE, Service
from cloudmanager.orders.orders import other_currency
from cloudmanager.orders.periods import Period, monthly_amount, period, period_containing, prorate


@dataclass(frozen=True)
class PeriodChange:
    """One billed period's part of a change: the days from `from_day`, credited and charged."""

    span: Period
    from_day: date
    credit: Decimal
    charge: Decimal


@dataclass(frozen=True)
class Proration:
    """The money of a change over every billed period it touches, and the new price."""

    parts: tuple[PeriodChange, ...]
    new_unit_price: Decimal
    new_discount: Decimal

    @property
    def span(self) -> Period:
        """The period the change starts in."""
        return self.parts[0].span

    @property
    def from_day(self) -> date:
        """The day the new plan starts."""
        return self.parts[0].from_day

    @property
    def credit(self) -> Decimal:
        """The old plan's price of the days from `from_day` that are already billed."""
        return sum((part.credit for part in self.parts), ZERO)

    @property
    def charge(self) -> Decimal:
        """The new plan's price of the same days."""
        return sum((part.charge for part in self.parts), ZERO)

    @property
    def difference(self) -> Decimal:
        """Charge − credit: positive means the customer pays."""
        return self.charge - self.credit


def _period_total(unit_price: Decimal, quantity: int, discount: Decimal) -> Decimal:
    return unit_price * quantity - discount


def new_discount(service: Service, product: Any, quantity: int, unit_price: Decimal) -> Decimal:
    """The discount per period after the change: scaled with the quantity, none on a new plan."""
    if product.id != service.product_id or service.discount <= 0:
        return ZERO
    scaled = round_money(service.discount * quantity / service.quantity)
    return min(scaled, round_money(unit_price * quantity))


def compute_proration(service: Service, product: Any, quantity: int, on: date) -> Proration:
    """What changing `service` to `product` × `quantity` from `on` credits and charges."""
    from cloudmanager.products.services import product_price

    if service.periods_billed < 1:
        raise Conflict("This service has no billed period to change.")
    last = period(service.period_anchor, service.cycle, service.periods_billed - 1)
    if not service.period_anchor <= on <= last.end:
        raise Conflict(
            f"A change must start in a billed period ({service.period_anchor} – {last.end}): "
            "bill the period first (run the billing run), then change it."
        )
    current = period_containing(service.period_anchor, service.cycle, on)
    new_price = product_price(product, service.cycle)
    discount = new_discount(service, product, quantity, new_price)
    old_total = _period_total(service.unit_price, service.quantity, service.discount)
    new_total = _period_total(new_price, quantity, discount)
    parts = []
    for index in range(current.index, service.periods_billed):
        span = period(service.period_anchor, service.cycle, index)
        parts.append(
            PeriodChange(
                span,
                max(on, span.start),
                prorate(old_total, span, on),
                prorate(new_total, span, on),
            )
        )
    return Proration(tuple(parts), new_price, discount)


def _clean(data: dict[str, Any], service: Service):
    from cloudmanager.products.models import Product

    text = str(data.get("product_id") or service.product_id).strip()
    product = db.session.get(Product, int(text)) if text.isdigit() else None
    errors = {}
    if product is None or product.is_archived or not product.active or not product.is_recurring:
        errors["product_id"] = "Choose a recurring product that is on sale."
    elif service.cycle not in product.offered_cycles:
        errors["product_id"] = f"{product.name} is not offered {service.cycle}."
    elif refusal := other_currency(product, service.customer.currency):
        errors["product_id"] = refusal
    quantity_text = str(data.get("quantity") or service.quantity).strip()
    if not quantity_text.isdigit() or not 1 <= int(quantity_text) <= 10000:
        errors["quantity"] = "Enter a whole number from 1 to 10000."
    if errors:
        raise ValidationFailed(errors)
    if product.id == service.product_id and int(quantity_text) == service.quantity:
        raise ValidationFailed({"quantity": "Nothing changes: pick another plan or quantity."})
    return product, int(quantity_text)


def _discount_note(service: Service, product: Any, discount: Decimal) -> str:
    if service.discount <= 0:
        return ""
    if product.id != service.product_id:
        return f"; the discount of {service.discount} per period ends with the old plan"
    return f"; discount {service.discount} → {discount} per period (scaled to the quantity)"


def change_service(
    service: Service, data: dict[str, Any], *, by: Any, on: date | None = None
) -> Proration:
    """Move an active service to another plan and/or quantity from `on` (default today)."""
    from cloudmanager.orders.change_documents import issue_change_documents

    service = lock_service(service.id)
    if service.status != ACTIVE:
        raise Conflict(f"A {service.status} service cannot change plan.")
    product, quantity = _clean(data, service)
    change = compute_proration(service, product, quantity, on or utcnow().date())
    before = {
        "product_id": service.product_id,
        "quantity": service.quantity,
        "unit_price": service.unit_price,
        "discount": service.discount,
        "tax_rate_id": service.tax_rate_id,
    }
    docs = issue_change_documents(service, product, quantity, change, by=by)
    note = f"from {change.from_day}: credit {change.credit}, charge {change.charge}"
    if docs.credit_notes:
        note += "; credit notes " + ", ".join(cn.number for cn in docs.credit_notes)
    note += _discount_note(service, product, change.new_discount)
    service.product_id, service.name, service.quantity = product.id, product.name, quantity
    service.unit_price, service.discount = change.new_unit_price, change.new_discount
    service.tax_rate_id = product.tax_rate_id
    old_mrr = service.mrr
    service.mrr = monthly_amount(
        _period_total(service.unit_price, quantity, service.discount), service.cycle
    )
    invoice_id = docs.invoice.id if docs.invoice else None
    record_event(
        service,
        "changed",
        note=note,
        invoice_id=invoice_id,
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
            "discount": change.new_discount,
            "tax_rate_id": product.tax_rate_id,
            "from": change.from_day,
            "credit": change.credit,
            "charge": change.charge,
            "invoice_id": invoice_id,
            "credit_notes": [cn.number for cn in docs.credit_notes],
        },
        summary=f"{service.number} changed to {product.name} × {quantity} ({note})",
        actor=by,
    )
    db.session.flush()
    return change
