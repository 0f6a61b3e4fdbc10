"""What a credited part of an invoice line is worth, the discount it shows, and its note's totals.

Pure functions over Decimals for `credit_notes`: a part is never worth less than
nothing nor more than is left of its line, the part that completes a line takes
exactly what is left of its net, and `closed_rates` tells which rates a note uses
up (it then takes what is left of their tax, so the notes add up to the invoice).
"""

from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

from cloudmanager.core.money import CENT, ZERO, round_money
from cloudmanager.invoices.calculation import LineInput, Totals, compute_totals, effective_rate

if TYPE_CHECKING:
    from cloudmanager.invoices.models import InvoiceLine


def closing_discount(amount: Decimal, target_net: Decimal) -> Decimal:
    """The cent discount d with round_half_up(amount - d) == target_net.

    Rounding `amount - target_net` on its own can miss by a cent (0.005 - 0.01
    rounds to -0.01, giving a net of 0.02); the one cent value inside the
    half-open rounding window is the floor of `amount - target_net + 0.005`.
    """
    return (amount - target_net + Decimal("0.005")).quantize(CENT, rounding=ROUND_FLOOR)


def part_net(line: "InvoiceLine", quantity: Decimal, done: tuple[Decimal, Decimal]) -> Decimal:
    """What crediting `quantity` of `line` is worth: never below zero, never above what is left.

    The part that completes the line takes exactly what is left of its net (earlier
    parts were rounded on their own). Any other part is its amount less its share of
    the line's discount, a share never larger than that amount: rounded to cents on its
    own, the share of a half-cent part could take it below zero (0.005 − 0.01).
    """
    already_qty, already_net = done
    left = line.net - already_net
    if already_qty + quantity == line.quantity:
        return left
    amount = quantity * line.unit_price
    share = min(round_money(line.discount * quantity / line.quantity), amount)
    return min(round_money(amount - share), left)


def shown_discount(amount: Decimal, net: Decimal) -> Decimal:
    """The cent discount a credited part shows: it takes `amount` to `net`, never past zero.

    Only a part worth 0.00 whose amount has half a cent or more has no such discount
    (0.005 − 0.00 rounds up, 0.005 − 0.01 rounds below zero): it shows the amount's
    whole cents, and the note carries its net, 0.00.
    """
    discount = closing_discount(amount, net)
    return discount if discount <= amount else amount.quantize(CENT, rounding=ROUND_FLOOR)


def note_totals(lines) -> Totals:
    """The engine's totals over the parts' nets (each part's exact discount gives its net)."""
    return compute_totals(
        [
            LineInput(
                x.quantity,
                x.unit_price,
                x.tax_rate,
                x.quantity * x.unit_price - x.net,
                x.reverse_charge,
            )
            for x in lines
        ]
    )


def closed_rates(invoice_lines, lines, done) -> set[tuple[Decimal, bool]]:
    """The rates a note of `lines` uses up: none of the invoice's lines at them is left open.

    `invoice_lines` are the invoice's lines and `done` what earlier notes credited of
    each ({line id: (quantity, net)}). A line is used up when all its quantity or all
    its net is credited: what is left of it could only be credited at 0.00.
    """
    after = dict(done)
    for part in lines:
        qty, net = after.get(part.invoice_line_id, (ZERO, ZERO))
        after[part.invoice_line_id] = (qty + part.quantity, net + part.net)
    still_open = set()
    for line in invoice_lines:
        qty, net = after.get(line.id, (ZERO, ZERO))
        if qty < line.quantity and net < line.net:
            still_open.add((effective_rate(line), line.reverse_charge))
    return {(effective_rate(part), part.reverse_charge) for part in lines} - still_open
