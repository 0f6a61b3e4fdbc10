"""Row generators for the reporting benchmark: services, invoices with everything around them.

Amounts come from the invoice engine (`compute_totals`: rounded line nets,
tax per rate) and tax rates from the catalog's rules (`select_tax_rate`:
country rates over time, EU reverse charge), so the generated books add up
the way the application's own would. Customers come from the customers
bench's loader and tickets from `cloudmanager.tickets.history`.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from cloudmanager.invoices.calculation import LineInput, compute_totals

QUANTITIES = (1, 1, 1, 1, 2, 3)


@dataclass(frozen=True)
class Sellable:
    """A product as the generators sell it: one price per cycle (one-off: "once")."""

    id: int
    name: str
    prices: tuple[tuple[str, Decimal], ...]
    tax_rate_id: int | None


@dataclass(frozen=True)
class Buyer:
    """What an invoice copies of its customer."""

    id: int
    number: str
    name: str
    country: str
    kind: str
    vat_id: str
    currency: str


def sellables() -> list[Sellable]:
    """The catalog's products with their prices (read through the models)."""
    from sqlalchemy import select

    from cloudmanager.extensions import db
    from cloudmanager.products.models import Product

    found = []
    for product in db.session.scalars(select(Product).order_by(Product.id)):
        prices = tuple((price.cycle, price.amount) for price in product.prices)
        if product.one_off_price is not None:
            prices += (("once", product.one_off_price),)
        if prices:
            found.append(Sellable(product.id, product.name, prices, product.tax_rate_id))
    return found


@lru_cache(maxsize=None)
def tax_for(country: str, business: bool, has_vat_id: bool, rate_id: int | None, month: date):
    """(rate id, printed name, percent, reverse charge) by the catalog's rules on `month`.

    Rates change on the first of a month, and only whether there is a VAT id
    matters, so a million lines need a few thousand look-ups.
    """
    from cloudmanager.products.taxes import select_tax_rate

    selection = select_tax_rate(
        country=country,
        on_date=month,
        customer_vat_id="present" if has_vat_id else "",
        customer_is_business=business,
        rate_id=rate_id,
    )
    rate = selection.rate
    name = "Reverse charge" if selection.reverse_charge else f"{rate.country} {rate.name}"
    return (rate.id if rate else None, name, selection.percent, selection.reverse_charge)


@lru_cache(maxsize=200_000)
def _totals(lines: tuple[tuple[int, Decimal, Decimal, bool], ...]):
    inputs = [LineInput(Decimal(q), price, rate, reverse_charge=rc) for q, price, rate, rc in lines]
    return compute_totals(inputs)


class Ids:
    """Sequential ids per table (the load writes ids itself, then moves the sequences)."""

    def __init__(self):
        self.last: dict[str, int] = {}

    def next(self, table: str) -> int:
        """The next id of `table`."""
        self.last[table] = self.last.get(table, 0) + 1
        return self.last[table]


def _lines(rng, buyer: Buyer, products: list[Sellable], issued: date):
    month = issued.replace(day=1)
    business = buyer.kind == "company"
    lines = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        product = rng.choice(products)
        cycle, price = rng.choice(product.prices)
        tax = tax_for(buyer.country, business, bool(buyer.vat_id), product.tax_rate_id, month)
        lines.append((product, cycle, rng.choice(QUANTITIES), price, tax))
    return lines


def invoice_documents(rng: random.Random, ids: Ids, buyers, products, count, first, today):
    """{table: [rows]} per invoice: the invoice, its lines, payments, maybe a credit note."""
    span = (today - first).days
    for i in range(count):
        buyer = buyers[rng.randrange(len(buyers))]
        issued = first + timedelta(days=i * span // count)
        lines = _lines(rng, buyer, products, issued)
        totals = _totals(tuple((q, price, tax[2], tax[3]) for _p, _c, q, price, tax in lines))
        invoice_id = ids.next("invoices")
        roll = rng.random()
        state = "draft" if roll < 0.005 else "void" if roll < 0.015 else "issued"
        stamp = datetime.combine(issued, time(9)) + timedelta(minutes=rng.randrange(480))
        invoice = {
            "id": invoice_id,
            "customer_id": buyer.id,
            "state": state,
            "number": None if state == "draft" else f"INV-{issued.year}-{invoice_id:07d}",
            "sequence": None if state == "draft" else invoice_id,
            "currency": buyer.currency,
            "issue_date": None if state == "draft" else issued,
            "due_date": None if state == "draft" else issued + timedelta(days=14),
            "bill_name": buyer.name,
            "bill_address": "Street 1\n10115 City",
            "bill_country": buyer.country,
            "bill_vat_id": buyer.vat_id,
            "customer_number": buyer.number,
            "net_total": totals.net,
            "tax_total": totals.tax,
            "gross_total": totals.gross,
            "paid_total": Decimal("0.00"),
            "credited_total": Decimal("0.00"),
            "revision": 0 if state == "draft" else 1 + (state == "void"),
            "void_reason": "Issued twice by mistake" if state == "void" else "",
            "voided_at": stamp + timedelta(days=1) if state == "void" else None,
            "issued_at": None if state == "draft" else stamp,
            "created_at": stamp,
            "updated_at": stamp,
        }
        rows = {"invoices": [invoice], "invoice_lines": []}
        for position, ((product, cycle, quantity, price, tax), net) in enumerate(
            zip(lines, totals.line_nets)
        ):
            rows["invoice_lines"].append(
                {
                    "id": ids.next("invoice_lines"),
                    "invoice_id": invoice_id,
                    "position": position,
                    "product_id": product.id,
                    "description": product.name if cycle == "once" else f"{product.name} ({cycle})",
                    "quantity": Decimal(quantity),
                    "unit_price": price,
                    "discount": Decimal("0.00"),
                    "tax_rate_id": tax[0],
                    "tax_name": tax[1],
                    "tax_rate": tax[2],
                    "reverse_charge": tax[3],
                    "net": net,
                    "issue_date": invoice["issue_date"],  # copied when issued
                }
            )
        if state != "draft":  # written at issue; voiding keeps them (the tax report skips void)
            rows["tax_breakdowns"] = _breakdown(ids, lines, totals, invoice, invoice["issue_date"])
        if state == "issued":
            _settle(rng, ids, invoice, rows, today, lines, totals)
        yield rows


def _breakdown(ids: Ids, lines, totals, invoice: dict, on: date, note_id: int | None = None):
    """`tax_breakdowns` rows as `invoices.breakdown.store_breakdown` writes them."""
    names: dict[tuple, str] = {}
    for _product, _cycle, _quantity, _price, (_id, name, percent, reverse) in lines:
        names.setdefault((Decimal("0.00") if reverse else percent, reverse), name)
    return [
        {
            "id": ids.next("tax_breakdowns"),
            "invoice_id": invoice["id"],
            "credit_note_id": note_id,
            "issue_date": on,
            "currency": invoice["currency"],
            "tax_name": names.get((group.rate, group.reverse_charge), ""),
            "rate": group.rate,
            "reverse_charge": group.reverse_charge,
            "taxable": group.taxable,
            "tax": group.tax,
        }
        for group in totals.tax_groups
    ]


def _settle(rng, ids: Ids, invoice: dict, rows: dict, today: date, lines, totals) -> None:
    """Payments (most invoices, some partly), or now and then a credit note for all of it."""
    issued, gross = invoice["issue_date"], invoice["gross_total"]
    age = (today - issued).days
    roll = rng.random()
    if roll < 0.01:
        _credit_note(rng, ids, invoice, rows, today)
        # A credit note for the whole invoice carries the invoice's tax groups.
        note = rows["credit_notes"][0]
        rows["tax_breakdowns"] += _breakdown(
            ids, lines, totals, invoice, note["issue_date"], note["id"]
        )
        return
    paid_share = 0.88 if age > 45 else 0.5
    if roll > paid_share + 0.04 or gross <= 0:
        return  # open, overdue once its due date passes
    applied = gross if roll < paid_share else (gross / 2).quantize(Decimal("0.01"))
    received = min(today, issued + timedelta(days=rng.randrange(0, 35)))
    payment_id = ids.next("payments")
    rows["payments"] = [
        {
            "id": payment_id,
            "invoice_id": invoice["id"],
            "customer_id": invoice["customer_id"],
            "invoice_issue_date": issued,
            "amount": applied,
            "applied": applied,
            "method": "bank_transfer",
            "reference": f"BANK-{payment_id:08d}",
            "received_on": received,
            "created_at": datetime.combine(received, time(12)),
        }
    ]
    invoice["paid_total"] = applied


def _credit_note(rng, ids: Ids, invoice: dict, rows: dict, today: date) -> None:
    issued = min(today, invoice["issue_date"] + timedelta(days=rng.randrange(1, 30)))
    note_id = ids.next("credit_notes")
    rows["credit_notes"] = [
        {
            "id": note_id,
            "invoice_id": invoice["id"],
            "customer_id": invoice["customer_id"],
            "number": f"CN-{issued.year}-{note_id:06d}",
            "sequence": note_id,
            "issue_date": issued,
            "reason": "Service not delivered",
            "net_total": invoice["net_total"],
            "tax_total": invoice["tax_total"],
            "gross_total": invoice["gross_total"],
            "applied_to_invoice": invoice["gross_total"],
            "to_customer_credit": Decimal("0.00"),
            "created_at": datetime.combine(issued, time(10)),
        }
    ]
    rows["credit_note_lines"] = [
        {
            **{k: line[k] for k in ("position", "description", "quantity", "unit_price")},
            **{k: line[k] for k in ("discount", "tax_name", "tax_rate", "reverse_charge", "net")},
            "id": ids.next("credit_note_lines"),
            "credit_note_id": note_id,
            "invoice_line_id": line["id"],
        }
        for line in rows["invoice_lines"]
    ]
    invoice["credited_total"] = invoice["gross_total"]


def service_rows(rng: random.Random, ids: Ids, buyers, products, count: int, today: date):
    """{table: [rows]} per service: active, cancelled or suspended, some with a plan change."""
    from cloudmanager.orders.periods import period_containing

    try:  # services keep their MRR on newer schemas
        from cloudmanager.orders.periods import monthly_amount
    except ImportError:
        monthly_amount = None
    recurring = [p for p in products if any(cycle != "once" for cycle, _ in p.prices)]
    for _ in range(count):
        buyer = buyers[rng.randrange(len(buyers))]
        product = rng.choice(recurring)
        cycle, price = rng.choice([(c, a) for c, a in product.prices if c != "once"])
        quantity = rng.choice(QUANTITIES)
        started = today - timedelta(days=rng.randrange(1, 3 * 365))
        roll = rng.random()
        status = "cancelled" if roll < 0.15 else "suspended" if roll < 0.18 else "active"
        ended = started + timedelta(days=rng.randrange(30, 700)) if status == "cancelled" else None
        if ended and ended >= today:
            ended, status = None, "active"
        until = ended or today
        current = period_containing(started, cycle, until)
        service_id = ids.next("services")
        row = {
            "id": service_id,
            "customer_id": buyer.id,
            "product_id": product.id,
            "name": product.name,
            "cycle": cycle,
            "quantity": quantity,
            "unit_price": price,
            "discount": Decimal("0.00"),
            "tax_rate_id": product.tax_rate_id,
            "status": status,
            "period_anchor": started,
            "periods_billed": current.index + 1,
            "next_due_date": current.next_start,
            "suspended_reason": "overdue" if status == "suspended" else "",
            "activated_at": datetime.combine(started, time(10)),
            "ended_at": datetime.combine(ended, time(10)) if ended else None,
            "created_at": datetime.combine(started, time(9)),
            "updated_at": datetime.combine(until, time(9)),
        }
        rows = {"services": [row], "service_events": []}
        if monthly_amount is not None:
            row["mrr"] = monthly_amount(price * quantity, cycle)
            if rng.random() < 0.08 and (until - started).days > 60:
                # An upgrade of one more unit half-way: today's MRR minus the change is the start.
                row["quantity"] = quantity + 1
                row["mrr"] = monthly_amount(price * (quantity + 1), cycle)
                changed = started + (until - started) / 2
                rows["service_events"].append(
                    {
                        "id": ids.next("service_events"),
                        "service_id": service_id,
                        "kind": "changed",
                        "note": f"Quantity {quantity} → {quantity + 1}",
                        "mrr_change": row["mrr"] - monthly_amount(price * quantity, cycle),
                        "created_at": datetime.combine(changed, time(11)),
                    }
                )
        yield rows
