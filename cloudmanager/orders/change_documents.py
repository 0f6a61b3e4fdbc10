"""The tax documents of a plan change: which lines billed a period, the credit notes, the invoice.

A period of a service was billed by its period's invoice (the order's invoice
for the first period, a renewal invoice after that) and by the invoices of
earlier plan changes that re-billed part of it. Unused days are credited on
those lines, newest first (the newest bill is the current plan's), each by a
credit note against its own invoice at the tax frozen on the line, so the VAT
the customer paid comes back with it.

When every credited line has the tax the new plan's line gets, the two sides
are netted: an upgrade is one invoice whose lines carry the credit as their
discount, a downgrade is credit notes for the difference only. When the taxes
differ, the sides stay apart: credit notes for the old plan at its rate, an
invoice for the new plan at its own.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from cloudmanager.core.errors import Conflict
from cloudmanager.core.money import ZERO
from cloudmanager.extensions import db
from cloudmanager.orders.billing import period_tag
from cloudmanager.orders.models import OrderLine, Service, ServiceBillingPeriod, ServiceEvent
from cloudmanager.orders.periods import Period

Draws = list[tuple[Any, Decimal]]  # (invoice line, net to credit on it)


@dataclass(frozen=True)
class ChangeDocuments:
    """What a plan change issued: the invoice (or None) and the credit notes."""

    invoice: Any
    credit_notes: tuple[Any, ...]
    netted: bool


def _first_period_line(service: Service, invoice: Any):
    """The service's line on its order's invoice: rows follow the order's lines."""
    from cloudmanager.orders.pricing import invoice_rows

    own = db.session.get(OrderLine, service.order_line_id) if service.order_line_id else None
    if own is None:
        return None
    position = 0
    for line in own.order.lines:
        if line.id == own.id:
            break
        position += len(invoice_rows(line))
    found = [ln for ln in invoice.lines if ln.position == position]
    return found[0] if found and found[0].product_id == own.product_id else None


def billed_lines(service: Service, span: Period) -> list[Any]:
    """The issued invoice lines that billed `service` for `span`, newest first."""
    from cloudmanager.invoices.models import ISSUED, Invoice, InvoiceLine

    tag = period_tag(service, span.start, span.end)
    changes = select(ServiceEvent.invoice_id).where(
        ServiceEvent.service_id == service.id,
        ServiceEvent.kind == "changed",
        ServiceEvent.invoice_id.is_not(None),
    )
    rows = db.session.scalars(
        select(InvoiceLine)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.invoice_id.in_(changes), Invoice.state == ISSUED)
        .order_by(InvoiceLine.invoice_id.desc(), InvoiceLine.position)
    ).all()
    lines = [line for line in rows if tag in line.description]
    main_id = db.session.scalar(
        select(ServiceBillingPeriod.invoice_id).where(
            ServiceBillingPeriod.service_id == service.id,
            ServiceBillingPeriod.period_start == span.start,
        )
    )
    main = db.session.get(Invoice, main_id) if main_id else None
    if main is not None and main.state == ISSUED:
        if span.index == 0:
            lines += [line for line in [_first_period_line(service, main)] if line is not None]
        else:
            lines += [line for line in main.lines if tag in line.description]
    return lines


def _left(lines: list[Any]) -> dict[int, Decimal]:
    """{line id: net not credited yet}."""
    from cloudmanager.invoices.credit_notes import credited_so_far

    left = {}
    for invoice in {line.invoice for line in lines}:
        done = credited_so_far(invoice)
        for line in invoice.lines:
            left[line.id] = line.net - done.get(line.id, (ZERO, ZERO))[1]
    return left


def allocate(lines: list[Any], amount: Decimal, left: dict[int, Decimal], span: Period) -> Draws:
    """Take `amount` from the lines in order, each up to what is left of it."""
    draws, rest = [], amount
    for line in lines:
        take = min(rest, max(left.get(line.id, ZERO), ZERO))
        if take > 0:
            draws.append((line, take))
            rest -= take
    if rest > 0:
        raise Conflict(
            f"Only {amount - rest} of the {amount} to credit for {span.start} – {span.end} "
            "is left uncredited on its invoices; correct those invoices first."
        )
    return draws


def _credit_notes(draws: Draws, *, reason: str, label: str, by: Any, on) -> tuple[Any, ...]:
    from cloudmanager.invoices.credit_notes import credit_line_amounts

    per_invoice: dict[Any, dict[int, Decimal]] = defaultdict(dict)
    for line, amount in draws:
        per_invoice[line.invoice][line.id] = amount
    notes = []
    for invoice, amounts in sorted(per_invoice.items(), key=lambda item: item[0].id):
        words = {line.id: f"{label}: {line.description}" for line in invoice.lines}
        notes.append(
            credit_line_amounts(invoice, amounts, reason=reason, by=by, on=on, descriptions=words)
        )
    return tuple(notes)


def _invoice(service: Service, rows: list[dict[str, str]], by: Any, on):
    from cloudmanager.invoices.drafts import create_draft
    from cloudmanager.invoices.issuing import issue_invoice

    draft = create_draft(
        service.customer, {"lines": rows, "notes": f"Plan change of {service.number}"}, by=by
    )
    return issue_invoice(draft, by=by, on=on)


def _row(service: Service, product: Any, quantity: int, part: Any, credit: Decimal):
    """One period's invoice row: the new plan's days, less `credit` when netted."""
    starts = f" from {part.from_day:%d %b %Y}" if part.from_day > part.span.start else ""
    words = f"{product.name} × {quantity}{starts}, {period_tag(service, part.span.start, part.span.end)}"
    if credit > 0:
        words += f", less the unused {service.name} × {service.quantity} ({credit})"
    return {
        "description": words,
        "quantity": "1",
        "unit_price": str(part.charge),
        "discount": str(credit),
        "tax_rate_id": str(product.tax_rate_id or ""),
        "product_id": str(product.id),
    }


def _same_tax(draws: list[Draws], tax: Any) -> bool:
    return all(
        (line.tax_rate, line.reverse_charge) == (tax.percent, tax.reverse_charge)
        for period_draws in draws
        for line, _ in period_draws
    )


def issue_change_documents(
    service: Service, product: Any, quantity: int, change: Any, *, by: Any
) -> ChangeDocuments:
    """Credit the old plan and charge the new one for every part of `change` (see above)."""
    from cloudmanager.invoices.taxes import resolve_tax

    on = change.from_day
    try:
        tax = resolve_tax(service.customer, product.tax_rate_id, on)
    except ValueError as exc:
        raise Conflict(str(exc)) from exc
    found = [billed_lines(service, part.span) for part in change.parts]
    left = _left([line for lines in found for line in lines])
    credits = [
        allocate(lines, part.credit, left, part.span) for lines, part in zip(found, change.parts)
    ]
    reason = f"Plan change of {service.number} from {on:%d %b %Y}"
    old = f"{service.name} × {service.quantity}"
    if _same_tax(credits, tax) and change.difference >= 0:
        rows = [
            _row(service, product, quantity, part, part.credit)
            for part in change.parts
            if part.charge > part.credit
        ]
        invoice = _invoice(service, rows, by, on) if rows else None
        return ChangeDocuments(invoice, (), netted=True)
    if _same_tax(credits, tax):
        differences = [
            allocate(lines, part.credit - part.charge, left, part.span)
            for lines, part in zip(found, change.parts)
        ]
        label = f"{old} → {product.name} × {quantity} from {on:%d %b %Y}, unused difference"
        notes = _credit_notes(
            [d for draws in differences for d in draws], reason=reason, label=label, by=by, on=on
        )
        return ChangeDocuments(None, notes, netted=True)
    label = f"Unused {old} from {on:%d %b %Y}"
    notes = _credit_notes(
        [d for draws in credits for d in draws], reason=reason, label=label, by=by, on=on
    )
    rows = [
        _row(service, product, quantity, part, ZERO) for part in change.parts if part.charge > 0
    ]
    invoice = _invoice(service, rows, by, on) if rows else None
    return ChangeDocuments(invoice, notes, netted=False)
