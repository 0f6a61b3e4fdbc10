"""Credit notes: correct an issued invoice (all lines or some), with their own number series.

A credit note copies the invoice's frozen prices and taxes for the credited
quantities (never more than what is left uncredited of each line) and is
computed by the same engine. It first reduces what is still owed on the
invoice (`settle="invoice"`), and whatever the invoice no longer owes goes to
the customer's account credit; `settle="credit"` puts it all on the account.
`credit_line_amounts` credits net amounts instead of quantities (the unused
days of a service period after a plan change), with the same caps.

No credited part is worth less than nothing (`part_net`), and the notes of an
invoice add up to it: the part that completes a line takes what is left of its
net, and the note that uses up a rate's last line takes what is left of that
rate's tax (`_limit_tax`).
"""

from dataclasses import replace
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from sqlalchemy import case, func, select

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.core.money import ZERO
from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue
from cloudmanager.invoices.breakdown import TaxBreakdown, store_breakdown
from cloudmanager.invoices.calculation import AmountError, Totals, parse_quantity
from cloudmanager.invoices.credit_models import CreditEntry, CreditNote, CreditNoteLine
from cloudmanager.invoices.credit_parts import closed_rates, note_totals, part_net, shown_discount
from cloudmanager.invoices.events import emit_if_paid
from cloudmanager.invoices.issuing import lock_invoice, new_revision
from cloudmanager.invoices.models import ISSUED, Invoice, InvoiceLine
from cloudmanager.invoices.numbering import allocate_number
from cloudmanager.invoices.status import today

QUANTITY = Decimal("0.001")
SETTLEMENTS = {
    "invoice": "Reduce what the invoice still owes (rest to account credit)",
    "credit": "Refund into the customer's account credit",
}


def credited_so_far(invoice: Invoice) -> dict[int, tuple[Decimal, Decimal]]:
    """{invoice line id: (quantity credited, net credited)} over earlier credit notes."""
    rows = db.session.execute(
        select(
            CreditNoteLine.invoice_line_id,
            func.sum(CreditNoteLine.quantity),
            func.sum(CreditNoteLine.net),
        )
        .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
        .where(CreditNote.invoice_id == invoice.id)
        .group_by(CreditNoteLine.invoice_line_id)
    ).all()
    return {line_id: (qty or ZERO, net or ZERO) for line_id, qty, net in rows}


def creditable_quantities(invoice: Invoice) -> dict[int, Decimal]:
    """{invoice line id: quantity still creditable}."""
    done = credited_so_far(invoice)
    return {line.id: line.quantity - done.get(line.id, (ZERO, ZERO))[0] for line in invoice.lines}


def _wanted(invoice: Invoice, data: dict[str, Any]) -> dict[int, Decimal]:
    remaining = creditable_quantities(invoice)
    if data.get("all"):
        wanted = {line_id: qty for line_id, qty in remaining.items() if qty > 0}
        if not wanted:
            raise ValidationFailed({"lines": "Everything on this invoice is already credited."})
        return wanted
    errors: dict[str, str] = {}
    wanted: dict[int, Decimal] = {}
    for key, value in (data.get("quantities") or {}).items():
        line_id = int(key)
        if str(value or "").strip() in ("", "0"):
            continue
        if line_id not in remaining:
            errors[f"quantity-{line_id}"] = "This line is not on the invoice."
            continue
        try:
            quantity = parse_quantity(value)
        except AmountError as exc:
            errors[f"quantity-{line_id}"] = str(exc)
            continue
        if quantity > remaining[line_id]:
            errors[f"quantity-{line_id}"] = f"At most {remaining[line_id].normalize():f} is left."
        wanted[line_id] = quantity
    if errors:
        raise ValidationFailed(errors)
    if not wanted:
        raise ValidationFailed({"lines": "Choose at least one line to credit."})
    return wanted


def _credit_line(line: InvoiceLine, quantity: Decimal, net: Decimal, pos: int) -> CreditNoteLine:
    """`quantity` of `line`, worth `net`, as a credit note line at the line's price and tax."""
    return CreditNoteLine(
        invoice_line_id=line.id,
        position=pos,
        description=line.description,
        quantity=quantity,
        unit_price=line.unit_price,
        discount=shown_discount(quantity * line.unit_price, net),
        tax_name=line.tax_name,
        tax_rate=line.tax_rate,
        reverse_charge=line.reverse_charge,
        net=net,
    )


def _limit_tax(invoice: Invoice, totals: Totals, closed: set[tuple[Decimal, bool]]) -> Totals:
    """The note's tax per rate, held to what the invoice has left uncredited at that rate.

    Each note rounds its tax on its own sums, so the parts could miss the invoice's
    tax by a cent: a part never takes more than is left, and the note that uses up the
    last of a rate's lines (`closed`) takes exactly what is left of that rate's tax, so
    the notes add up to the invoice rate by rate.
    """
    # The stored breakdowns: what the invoice and each earlier note really carry.
    signed = case(
        (TaxBreakdown.credit_note_id.is_(None), TaxBreakdown.tax), else_=-TaxBreakdown.tax
    )
    found = db.session.execute(
        select(TaxBreakdown.rate, TaxBreakdown.reverse_charge, func.sum(signed))
        .where(TaxBreakdown.invoice_id == invoice.id)
        .group_by(TaxBreakdown.rate, TaxBreakdown.reverse_charge)
    )
    left = {(rate, reverse): tax for rate, reverse, tax in found}

    def limited(group):
        key = (group.rate, group.reverse_charge)
        rest = left.get(key, group.tax)
        return rest if key in closed else max(min(group.tax, rest), ZERO)

    groups = tuple(replace(group, tax=limited(group)) for group in totals.tax_groups)
    tax = sum((group.tax for group in groups), ZERO)
    return replace(totals, tax_groups=groups, tax=tax, gross=totals.net + tax)


def create_credit_note(
    invoice: Invoice, data: dict[str, Any], *, by: Any, on: date | None = None
) -> CreditNote:
    """Credit all (`data["all"]`) or some (`data["quantities"]`) of an issued invoice."""
    reason = str(data.get("reason") or "").strip()
    settle = data.get("settle") or "invoice"
    errors = {}
    if not reason:
        errors["reason"] = "Say why the invoice is credited."
    if settle not in SETTLEMENTS:
        errors["settle"] = "Choose how the credit is settled."
    if errors:
        raise ValidationFailed(errors)
    invoice = lock_invoice(invoice.id)
    if invoice.state != ISSUED:
        raise Conflict("Only issued invoices can be credited.")
    wanted = _wanted(invoice, data)
    done = credited_so_far(invoice)
    by_id = {line.id: line for line in invoice.lines}
    lines = []
    for pos, (line_id, qty) in enumerate(sorted(wanted.items())):
        net = part_net(by_id[line_id], qty, done.get(line_id, (ZERO, ZERO)))
        lines.append(_credit_line(by_id[line_id], qty, net, pos))
    return _issue(invoice, lines, reason, settle, done=done, by=by, on=on)


def _amount_line(line: InvoiceLine, net: Decimal, done: tuple[Decimal, Decimal], pos: int):
    """`net` of `line` as a credit note line: the quantity it is worth, at the line's price.

    The quantity is rounded up to the thousandth (so the discount that makes the
    net exact is not negative); the part that empties the line takes what is left.
    """
    already_qty, already_net = done
    left_net, left_qty = line.net - already_net, line.quantity - already_qty
    if not ZERO < net <= left_net or left_qty <= 0:
        raise Conflict(
            f"At most {max(left_net, ZERO)} of line {line.position + 1} can be credited."
        )
    quantity = left_qty
    if net < left_net:
        quantity = min((net / line.unit_price).quantize(QUANTITY, ROUND_CEILING), left_qty)
    return _credit_line(line, quantity, net, pos)


def credit_line_amounts(
    invoice: Invoice,
    amounts: dict[int, Decimal],
    *,
    reason: str,
    by: Any,
    on: date | None = None,
    descriptions: dict[int, str] | None = None,
) -> CreditNote:
    """Credit net amounts of some lines ({line id: net}), e.g. the unused days of a period.

    More than is left of a line is refused; the tax is held per rate as for any note.
    Settled as `settle="invoice"`: it reduces what the invoice still owes, and the
    rest goes to the customer's account credit.
    """
    invoice = lock_invoice(invoice.id)
    if invoice.state != ISSUED:
        raise Conflict("Only issued invoices can be credited.")
    done = credited_so_far(invoice)
    chosen = [line for line in invoice.lines if amounts.get(line.id, ZERO) != ZERO]
    lines = [
        _amount_line(line, amounts[line.id], done.get(line.id, (ZERO, ZERO)), pos)
        for pos, line in enumerate(chosen)
    ]
    for line in lines:
        line.description = (descriptions or {}).get(line.invoice_line_id, line.description)
    return _issue(invoice, lines, reason, "invoice", done=done, by=by, on=on)


def _issue(invoice, lines, reason: str, settle: str, *, done, by: Any, on):
    """Number, total, settle and record a credit note of `lines` (the invoice is locked).

    `done` is what earlier notes credited of each line (`credited_so_far`).
    """
    totals = _limit_tax(invoice, note_totals(lines), closed_rates(invoice.lines, lines, done))
    on = on or today()
    applied = min(totals.gross, max(invoice.balance, ZERO)) if settle == "invoice" else ZERO
    number = allocate_number("credit_note", on=on)
    note = CreditNote(
        invoice=invoice,
        customer_id=invoice.customer_id,
        number=number.text,
        sequence=number.sequence,
        issue_date=on,
        reason=reason[:2000],
        net_total=totals.net,
        tax_total=totals.tax,
        gross_total=totals.gross,
        applied_to_invoice=applied,
        to_customer_credit=totals.gross - applied,
        created_by_id=getattr(by, "id", None),
        lines=lines,
    )
    db.session.add(note)
    balance_before = invoice.balance
    invoice.credited_total += applied
    if applied > 0:
        new_revision(invoice)  # the PDF now shows what was credited and what is left
    db.session.flush()
    store_breakdown(lines, totals, invoice=invoice, credit_note=note, on=on)
    if note.to_customer_credit > 0:
        db.session.add(
            CreditEntry(
                customer_id=invoice.customer_id,
                amount=note.to_customer_credit,
                kind="credit_note",
                credit_note_id=note.id,
                invoice_id=invoice.id,
                description=f"Credit note {note.number}",
            )
        )
    audit(
        "invoice.credit_note_issued",
        invoice,
        after={
            "credit_note": note.number,
            "gross_total": note.gross_total,
            "applied_to_invoice": applied,
            "to_customer_credit": note.to_customer_credit,
            "reason": note.reason,
        },
        summary=f"Credit note {note.number} for {note.gross_total} {invoice.currency}",
        actor=by,
    )
    enqueue("cloudmanager.invoices.jobs.render_credit_note_pdf", note.id)
    emit_if_paid(invoice, balance_before)
    return note
