"""Orders: create and edit (staff), preview totals, cancel, mark as fraud.

Line input is a list of dicts (`product_id`, `cycle`, `quantity`,
`unit_price` (an override, only for roles with `orders.override_price`),
`discount`); errors are keyed `lines-<i>-<field>` for the line editor. The
totals come from the invoices' calculation engine, with the tax the invoice
will use, so the editor shows what the customer will be charged.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, NotFound, ValidationFailed
from cloudmanager.core.money import ZERO
from cloudmanager.core.permissions import can
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.invoices.calculation import AmountError, parse_money, parse_unit_price
from cloudmanager.orders.models import CANCELLED, FRAUD, PENDING, Order, OrderLine
from cloudmanager.orders.pricing import order_totals

MAX_LINES = 50
MAX_QUANTITY = 10000


@dataclass
class ParsedLine:
    """A validated order line with the product, its price and what it adds to the invoice."""

    product: Any
    cycle: str | None
    quantity: int
    unit_price: Decimal
    price_overridden: bool
    discount: Decimal
    setup_fee: Decimal

    @property
    def description(self) -> str:
        """`Cloud Server M (Monthly)` or the product name for one-off items."""
        from cloudmanager.products.models import BILLING_CYCLES

        if self.cycle:
            return f"{self.product.name} ({BILLING_CYCLES.get(self.cycle, self.cycle)})"
        return self.product.name


def _blank(row: dict[str, Any]) -> bool:
    return not str(row.get("product_id") or "").strip()


def _parse_row(
    row: dict[str, Any], key: str, errors: dict, by: Any, currency: str | None
) -> ParsedLine | None:
    from cloudmanager.products.models import Product
    from cloudmanager.products.services import product_price

    text = str(row.get("product_id") or "").strip()
    product = db.session.get(Product, int(text)) if text.isdigit() else None
    if product is None or product.is_archived or not product.active:
        errors[key + "product_id"] = "Choose a product that is on sale."
        return None
    refusal = other_currency(product, currency) if currency else None
    if refusal:
        errors[key + "product_id"] = refusal
        return None
    cycle = str(row.get("cycle") or "").strip() or None
    if not product.is_recurring:
        cycle = None
    elif cycle is None:
        cycle = product.offered_cycles[0] if product.offered_cycles else None
    try:
        list_price = product_price(product, cycle)
    except ValidationFailed as exc:
        errors[key + "cycle"] = exc.errors.get("cycle", exc.message)
        return None
    quantity_text = str(row.get("quantity") or "1").strip()
    if not quantity_text.isdigit() or not 1 <= int(quantity_text) <= MAX_QUANTITY:
        errors[key + "quantity"] = f"Enter a whole number from 1 to {MAX_QUANTITY}."
        return None
    override_text = str(row.get("unit_price") or "").strip()
    price, overridden = list_price, False
    if override_text:
        try:
            override = parse_unit_price(override_text)
        except AmountError as exc:
            errors[key + "unit_price"] = str(exc)
            return None
        if override != list_price:
            if not can(by, "orders.override_price"):
                errors[key + "unit_price"] = "Your role cannot change prices."
                return None
            price, overridden = override, True
    try:
        discount = parse_money(row.get("discount") or "0", "discount")
    except AmountError as exc:
        errors[key + "discount"] = str(exc)
        return None
    if discount > price * int(quantity_text):
        errors[key + "discount"] = "The discount cannot exceed the line amount."
        return None
    return ParsedLine(
        product,
        cycle,
        int(quantity_text),
        price,
        overridden,
        discount,
        product.setup_fee or ZERO,
    )


def other_currency(product: Any, currency: str) -> str | None:
    """Why `product` cannot be sold to a customer who pays in `currency`; None if it can.

    An order, its invoices and its services are in the customer's currency.
    """
    if product.currency == currency:
        return None
    return f"{product.name} is priced in {product.currency}; this customer pays in {currency}."


def parse_order_lines(
    rows: list[dict[str, Any]], *, by: Any, currency: str | None = None
) -> list[ParsedLine]:
    """Validate editor rows (blank rows skipped); ValidationFailed with keyed errors.

    With `currency` (the customer's), products priced in another currency are refused
    (`other_currency`).
    """
    rows = [row for row in rows if not _blank(row)]
    if not rows:
        raise ValidationFailed({"lines": "Add at least one product."})
    if len(rows) > MAX_LINES:
        raise ValidationFailed({"lines": f"An order can have at most {MAX_LINES} lines."})
    errors: dict[str, str] = {}
    lines = [_parse_row(row, f"lines-{i}-", errors, by, currency) for i, row in enumerate(rows)]
    if errors:
        raise ValidationFailed(errors)
    return [line for line in lines if line is not None]


def _customer(data: dict[str, Any]):
    from cloudmanager.customers.models import Customer

    text = str(data.get("customer_id") or "").strip()
    customer = db.session.get(Customer, int(text)) if text.isdigit() else None
    if customer is None:
        raise ValidationFailed({"customer_id": "Choose a customer."})
    if customer.status != "active":
        raise ValidationFailed({"customer_id": "This customer is deactivated."})
    return customer


def _store(order: Order, lines: list[ParsedLine], on: date) -> None:
    order.lines.clear()
    db.session.flush()
    for position, line in enumerate(lines):
        order.lines.append(
            OrderLine(
                position=position,
                product_id=line.product.id,
                product=line.product,
                description=line.description,
                cycle=line.cycle,
                quantity=line.quantity,
                unit_price=line.unit_price,
                price_overridden=line.price_overridden,
                discount=line.discount,
                setup_fee=line.setup_fee,
                tax_rate_id=line.product.tax_rate_id,
            )
        )
    try:
        totals = order_totals(order.customer, lines, on)
    except ValueError as exc:
        raise ValidationFailed({"lines": str(exc)}) from exc
    order.net_total, order.tax_total, order.gross_total = totals.net, totals.tax, totals.gross


def _summary(order: Order) -> dict[str, Any]:
    return {
        "customer_id": order.customer_id,
        "status": order.status,
        "lines": [
            {
                "product_id": ln.product_id,
                "cycle": ln.cycle,
                "quantity": ln.quantity,
                "unit_price": ln.unit_price,
                "price_overridden": ln.price_overridden,
                "discount": ln.discount,
            }
            for ln in order.lines
        ],
        "gross_total": order.gross_total,
    }


def create_order(data: dict[str, Any], *, by: Any, on: date | None = None) -> Order:
    """A pending order for `data["customer_id"]` with `data["lines"]` and notes (audited)."""
    customer = _customer(data)
    lines = parse_order_lines(list(data.get("lines") or []), by=by, currency=customer.currency)
    order = Order(
        customer=customer,
        customer_id=customer.id,
        currency=customer.currency,
        notes=str(data.get("notes") or "").strip()[:5000],
        # a portal user's id is not a staff user's: only staff are recorded here
        created_by_id=by.id if getattr(by, "is_staff", False) else None,
    )
    db.session.add(order)
    _store(order, lines, on or utcnow().date())
    audit("order.created", order, after=_summary(order), actor=by)
    from cloudmanager.webhooks.services import emit_event

    emit_event(
        "order.created",
        {"id": order.id, "customer_id": customer.id, "gross_total": str(order.gross_total)},
    )
    return order


def update_order(order: Order, data: dict[str, Any], *, by: Any) -> Order:
    """Replace a pending order's lines and notes (decided orders are refused)."""
    ensure_pending(order)
    before = _summary(order)
    lines = parse_order_lines(list(data.get("lines") or []), by=by, currency=order.currency)
    order.notes = str(data.get("notes") or "").strip()[:5000]
    _store(order, lines, utcnow().date())
    audit("order.updated", order, before=before, after=_summary(order), actor=by)
    return order


def ensure_pending(order: Order) -> None:
    """Refuse to change an order that was already accepted, cancelled or flagged."""
    if order.status != PENDING:
        raise Conflict(f"Order {order.number} is {order.status}; it can no longer change.")


def lock_order(order_id: int) -> Order:
    """The order re-read and locked until the transaction ends."""
    from sqlalchemy import select

    order = db.session.execute(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update(of=Order)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if order is None:
        raise NotFound("This order does not exist.")
    return order


def _close(order: Order, status: str, reason: str, by: Any) -> Order:
    order = lock_order(order.id)
    ensure_pending(order)
    order.status, order.status_reason, order.decided_at = status, reason.strip()[:2000], utcnow()
    audit(
        f"order.{status}",
        order,
        before={"status": PENDING},
        after={"status": status, "reason": order.status_reason},
        summary=f"Order {order.number} {status}",
        actor=by,
    )
    return order


def cancel_order(order: Order, reason: str = "", *, by: Any) -> Order:
    """Cancel a pending order (nothing was invoiced or reserved yet)."""
    return _close(order, CANCELLED, reason, by)


def mark_fraud(order: Order, reason: str, *, by: Any) -> Order:
    """Flag a pending order as fraud; a reason is required."""
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "Say why this order is fraudulent."})
    return _close(order, FRAUD, reason, by)
