"""Demo orders and services: a dozen customers with accepted, paid orders, one pending order."""

from sqlalchemy import select

from cloudmanager.extensions import db

DEMO_CUSTOMERS = 12


def _plans():
    from cloudmanager.products.models import Product

    products = db.session.scalars(
        select(Product).where(Product.archived_at.is_(None), Product.active.is_(True))
    ).all()
    recurring = [p for p in products if p.is_recurring and p.prices and p.stock is None]
    one_off = [p for p in products if not p.is_recurring and p.one_off_price is not None]
    return sorted(recurring, key=lambda p: p.id), sorted(one_off, key=lambda p: p.id)


def _lines(index: int, recurring, one_off) -> list[dict]:
    first = recurring[index % len(recurring)]
    cycles = first.offered_cycles
    lines = [{"product_id": str(first.id), "cycle": cycles[index % len(cycles)], "quantity": "1"}]
    if index % 3 == 0 and len(recurring) > 1:
        second = recurring[(index * 7 + 3) % len(recurring)]
        lines.append({"product_id": str(second.id), "cycle": second.offered_cycles[0]})
    if index % 4 == 1 and one_off:
        lines.append({"product_id": str(one_off[index % len(one_off)].id)})
    return lines


def seed_orders() -> list[str]:
    """Orders for the first demo customers: accepted and paid (active services), one pending."""
    from cloudmanager.auth.models import User
    from cloudmanager.customers.models import Customer
    from cloudmanager.invoices.payments import record_payment
    from cloudmanager.orders.accept import accept_order
    from cloudmanager.orders.models import Order
    from cloudmanager.orders.orders import create_order

    admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    recurring, one_off = _plans()
    if admin is None or not recurring:
        return ["orders: skipped (no admin or no recurring products)"]
    customers = db.session.scalars(
        select(Customer).where(Customer.status == "active").order_by(Customer.id)
    ).all()[:DEMO_CUSTOMERS]
    created = accepted = 0
    for index, customer in enumerate(customers):
        if db.session.scalar(select(Order.id).where(Order.customer_id == customer.id)):
            continue
        order = create_order(
            {"customer_id": str(customer.id), "lines": _lines(index, recurring, one_off)},
            by=admin,
        )
        created += 1
        if index == len(customers) - 1:
            continue  # one order waits for a decision
        accept_order(order, by=admin)
        accepted += 1
        if order.invoice is not None and index % 5 != 2:  # a few stay unpaid
            record_payment(
                order.invoice,
                {
                    "amount": str(order.invoice.balance),
                    "method": "bank_transfer",
                    "reference": f"DEMO-ORDER-{order.id}",
                },
                by=admin,
            )
    return [f"orders: {created} created, {accepted} accepted"]
