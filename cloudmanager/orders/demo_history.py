"""A year of subscription history for the demo, so the reports have something to show.

A dozen customers start services over the last twelve months; each period is
invoiced by the billing code on the day it starts and paid a few days later
(the newest ones stay open, some go overdue); plans are upgraded and
downgraded, services cancelled, a month refunded with a credit note, and a
customer who left comes back. Everything runs through the real services, with
the dates set to when it happened; as imported history it queues no emails
or PDFs (`jobs_dropped`).
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update

from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.invoices.models import Invoice
from cloudmanager.orders.periods import add_months

NOTE = "Demo history"
FIRST_CUSTOMER = 12  # the orders demo sells to the first twelve

# (customer in the pool, months ago, sku, cycle, quantity, {period index: event}); the
# pool is the home-country customers (taxed), then the others in the base currency.
PLANS: list[tuple[int, int, str, str, int, dict]] = [
    (0, 12, "CS-M", "monthly", 2, {4: ("change", {"quantity": "3"})}),
    (4, 11, "CS-L", "monthly", 1, {7: ("cancel",)}),
    (1, 11, "K8S-STD", "monthly", 1, {5: ("change", {"sku": "CS-L"})}),
    (7, 10, "CS-S", "annual", 1, {}),
    (5, 9, "BS-1000", "monthly", 1, {2: ("credit",)}),
    (8, 9, "SUP-STANDARD", "monthly", 1, {3: ("cancel",)}),
    (8, 3, "CS-M", "monthly", 1, {}),  # the same customer comes back
    (2, 8, "CS-M", "quarterly", 2, {}),
    (9, 7, "K8S-STD", "monthly", 2, {2: ("change", {"quantity": "3"})}),
    (10, 6, "CS-L", "monthly", 1, {"unpaid": 5}),
    (11, 5, "BKP-OFFSITE", "quarterly", 1, {}),
    (6, 4, "SUP-PREMIUM", "monthly", 1, {1: ("change", {"sku": "SUP-STANDARD"})}),
    (3, 2, "CS-S", "monthly", 3, {"unpaid": 1}),
]
POOL = 1 + max(plan[0] for plan in PLANS)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


class History:
    """Plays one plan: order, first payment, periods, events, each on its own date."""

    def __init__(self, by: Any, products: dict[str, Any], today: date):
        self.by, self.products, self.today = by, products, today
        self.references = 0

    def pay(self, invoice, on: date) -> None:
        """Pay the invoice in full on `on` (if that day has come)."""
        from cloudmanager.invoices.payments import record_payment

        if on > self.today or invoice.balance <= 0:
            return
        self.references += 1
        record_payment(
            invoice,
            {
                "amount": str(invoice.balance),
                "method": "bank_transfer",
                "reference": f"DEMO-HIST-{invoice.number}-{self.references}",
                "received_on": on.isoformat(),
            },
            by=self.by,
        )

    def backdate(self, service, after_event: int, when: datetime) -> int:
        """Date the service's events written since `after_event`; the newest event id."""
        from cloudmanager.orders.models import ServiceEvent

        from cloudmanager.reporting.mrr_ledger import refresh

        db.session.flush()
        db.session.execute(
            update(ServiceEvent)
            .where(ServiceEvent.service_id == service.id, ServiceEvent.id > after_event)
            .values(created_at=when)
        )
        # A bulk UPDATE bypasses the session's flush, which keeps the MRR ledger current.
        refresh(db.session.connection(), [service.customer_id])
        newest = db.session.scalar(
            select(ServiceEvent.id)
            .where(ServiceEvent.service_id == service.id)
            .order_by(ServiceEvent.id.desc())
            .limit(1)
        )
        return newest or after_event

    def start(self, customer, start: date, sku: str, cycle: str, quantity: int):
        """Order, accept and pay on `start`: the service runs from three days later."""
        from cloudmanager.orders.accept import accept_order
        from cloudmanager.orders.models import Service
        from cloudmanager.orders.orders import create_order

        line = {"product_id": str(self.products[sku].id), "cycle": cycle, "quantity": quantity}
        order = create_order(
            {"customer_id": str(customer.id), "lines": [line], "notes": NOTE}, by=self.by, on=start
        )
        accept_order(order, by=self.by, on=start)
        order.created_at, order.decided_at = _at(start, 9), _at(start)
        self.pay(order.invoice, start + timedelta(days=3))
        service = db.session.scalar(
            select(Service).where(Service.order_line_id == order.lines[0].id)
        )
        service.activated_at = _at(start + timedelta(days=3))
        return service

    def event(self, service, event: tuple, on: date, period_invoice) -> bool:
        """Apply one event on `on`; False when the service ended."""
        from cloudmanager.invoices.credit_notes import create_credit_note
        from cloudmanager.orders.changes import change_service
        from cloudmanager.orders.lifecycle import cancel_service

        if event[0] == "cancel":
            cancel_service(service, by=self.by, note="Moved to another provider")
            service.ended_at = _at(on)
            return False
        if event[0] == "credit":
            reason = "Storage outage: the month is refunded"
            create_credit_note(period_invoice, {"all": True, "reason": reason}, by=self.by, on=on)
            return True
        change = dict(event[1])
        product = self.products[change.pop("sku", service.product.sku)]
        before = db.session.scalar(_last_invoice_id(service.customer_id))
        change_service(service, {"product_id": str(product.id), **change}, by=self.by, on=on)
        after = db.session.scalar(_last_invoice_id(service.customer_id))
        if after != before:  # an upgrade is invoiced; a downgrade is a credit note
            self.pay(db.session.get(Invoice, after), on + timedelta(days=2))
        return True

    def play(self, customer, months_ago: int, sku: str, cycle: str, quantity: int, events):
        """The whole life of one service up to today: period k's event falls on its 11th day."""
        from cloudmanager.orders.billing import bill_next_period

        start = add_months(self.today, -months_ago) - timedelta(days=3)
        service = self.start(customer, start, sku, cycle, quantity)
        marker = self.backdate(service, 0, _at(start))
        paid_until = _periods_until(start, cycle, self.today) - events.get("unpaid", 0)
        while service.next_due_date <= self.today:
            due = service.next_due_date
            invoice = bill_next_period(service.id, on=due, until=due)
            if invoice is None:
                return
            index = service.periods_billed - 1
            if index < paid_until:
                self.pay(invoice, due + timedelta(days=5))
            marker = self.backdate(service, marker, _at(due))
            on = due + timedelta(days=10)
            if index in events and on <= self.today:
                alive = self.event(service, events[index], on, invoice)
                marker = self.backdate(service, marker, _at(on))
                if not alive:
                    return


def _last_invoice_id(customer_id: int):
    return (
        select(Invoice.id)
        .where(Invoice.customer_id == customer_id)
        .order_by(Invoice.id.desc())
        .limit(1)
    )


def _periods_until(start: date, cycle: str, today: date) -> int:
    """How many periods of a service started on `start` have begun by `today`."""
    from cloudmanager.orders.periods import cycle_months

    months = (today.year - start.year) * 12 + today.month - start.month
    if today.day < start.day:
        months -= 1
    return months // cycle_months(cycle) + 1


def seed_history() -> list[str]:
    """The year of history, once (a no-op when its orders exist)."""
    from cloudmanager.auth.models import User
    from cloudmanager.customers.models import Customer
    from cloudmanager.infra.queue import jobs_dropped
    from cloudmanager.orders.models import Order
    from cloudmanager.products.models import Product
    from cloudmanager.settings.services import get_setting

    if db.session.scalar(select(Order.id).where(Order.notes == NOTE).limit(1)):
        return ["history: already present"]
    by = db.session.scalar(select(User).where(User.role == "accountant").order_by(User.id))
    products = {p.sku: p for p in db.session.scalars(select(Product))}
    active = db.session.scalars(
        select(Customer)
        .where(Customer.status == "active", Customer.currency == get_setting("locale.currency"))
        .order_by(Customer.id)
    ).all()
    home = [c for c in active if c.country == get_setting("company.country")]
    customers = home + [c for c in active[FIRST_CUSTOMER:] if c not in home]
    if by is None or len(customers) < POOL or any(plan[2] not in products for plan in PLANS):
        return ["history: skipped (needs the demo users, customers and catalog)"]
    history = History(by, products, utcnow().date())
    with jobs_dropped():
        for index, months_ago, sku, cycle, quantity, events in PLANS:
            history.play(customers[index], months_ago, sku, cycle, quantity, events)
    return [f"history: {len(PLANS)} services over the last twelve months"]
