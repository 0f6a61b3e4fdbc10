"""An independent model of what invoices, payments and credit notes must come to.

The property test (`test_balance_property.py`) runs random batches through the real
services and compares every stored figure with this model, which is written from the
rules (DESIGN.md, the issue, the credit-note docstrings) over the generated amounts and
never calls the code under test: line nets rounded half-up to cents, tax per rate on the
sum of that rate's nets, totals as sums of rounded parts; a payment settles at most what
is owed and the excess becomes account credit; a credit note reduces what is owed (or
goes to account credit) by its gross.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
RATES = {"standard": Decimal("19.00"), "reduced": Decimal("7.00")}


def cents(value: Decimal) -> Decimal:
    """Half-up to cents (away from zero on a half)."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def taxes(nets_by_key: dict[tuple[Decimal, bool], Decimal]) -> dict[tuple, tuple]:
    """{(rate, reverse charge): (taxable, tax)}: each rate taxed once, on its summed nets."""
    return {key: (taxable, cents(taxable * key[0] / 100)) for key, taxable in nets_by_key.items()}


@dataclass
class ModelLine:
    """A generated line and what it must be worth."""

    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    key: tuple[Decimal, bool]  # (the rate it is taxed at, reverse charge)
    credited_quantity: Decimal = Decimal("0.000")
    credited_net: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        """quantity × unit price − discount, half-up to cents."""
        return cents(self.quantity * self.unit_price - self.discount)

    @property
    def left(self) -> Decimal:
        """The quantity not credited yet."""
        return self.quantity - self.credited_quantity


@dataclass
class ModelNote:
    """What one credit note must carry and where its money must go."""

    line_nets: list[Decimal]
    groups: dict[tuple, tuple]
    net: Decimal
    tax: Decimal
    gross: Decimal
    applied: Decimal
    to_credit: Decimal


@dataclass
class ModelInvoice:
    """An invoice of the batch, with what has been paid and credited on it."""

    lines: list[ModelLine]
    groups: dict[tuple, tuple] = field(init=False)
    owed: Decimal = field(init=False)
    paid: Decimal = ZERO  # applied to the invoice
    credited: Decimal = ZERO  # applied to the invoice
    notes: list[ModelNote] = field(default_factory=list)

    def __post_init__(self) -> None:
        nets: dict[tuple, Decimal] = {}
        for line in self.lines:
            nets[line.key] = nets.get(line.key, ZERO) + line.net
        self.groups = taxes(nets)
        self.tax_left = {key: tax for key, (_, tax) in self.groups.items()}
        self.owed = self.gross

    @property
    def net(self) -> Decimal:
        """The sum of the rounded line nets."""
        return sum((line.net for line in self.lines), ZERO)

    @property
    def tax(self) -> Decimal:
        """The sum of the rounded per-rate taxes."""
        return sum((tax for _, tax in self.groups.values()), ZERO)

    @property
    def gross(self) -> Decimal:
        """Net plus tax."""
        return self.net + self.tax

    @property
    def status(self) -> str:
        """What the invoice must show (due dates lie ahead in the test)."""
        if self.owed <= 0:
            return "paid"
        return "partially_paid" if self.paid + self.credited > 0 else "issued"

    def pay(self, amount: Decimal) -> Decimal:
        """Take a payment; returns the excess that becomes the customer's credit."""
        applied = min(amount, max(self.owed, ZERO))
        self.owed -= applied
        self.paid += applied
        return amount - applied

    def credit(self, wanted: dict[int, Decimal], settle: str) -> ModelNote:
        """Credit `wanted` {line index: quantity}; returns the note it must be."""
        nets, by_key = [], {}
        for index, quantity in sorted(wanted.items()):
            line = self.lines[index]
            left = line.net - line.credited_net
            if quantity == line.left:
                net = left  # the part that completes a line takes exactly what is left of it
            else:
                # Its share of the quantity and of the discount, never more than is left; the
                # share never exceeds the part's own amount, so the part never goes below zero.
                amount = quantity * line.unit_price
                share = min(cents(line.discount * quantity / line.quantity), amount)
                net = min(cents(amount - share), left)
            line.credited_quantity += quantity
            line.credited_net += net
            nets.append(net)
            by_key[line.key] = by_key.get(line.key, ZERO) + net
        groups = {}
        for key, (taxable, tax) in taxes(by_key).items():
            # Never more tax than the invoice has left at the rate, and the note after which
            # nothing of the rate's lines is left takes exactly that (so the notes add up to
            # the invoice's tax rate by rate). A line whose whole net is credited has nothing
            # left, even with quantity left: any further part of it is worth 0.00.
            used_up = all(
                line.left == 0 or line.credited_net == line.net
                for line in self.lines
                if line.key == key
            )
            tax = self.tax_left[key] if used_up else max(min(tax, self.tax_left[key]), ZERO)
            self.tax_left[key] -= tax
            groups[key] = (taxable, tax)
        net = sum(nets, ZERO)
        tax = sum((tax for _, tax in groups.values()), ZERO)
        applied = min(net + tax, max(self.owed, ZERO)) if settle == "invoice" else ZERO
        self.owed -= applied
        self.credited += applied
        note = ModelNote(nets, groups, net, tax, net + tax, applied, net + tax - applied)
        self.notes.append(note)
        return note
