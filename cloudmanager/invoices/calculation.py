"""The money engine of invoices and credit notes: pure functions over Decimals.

Rules (EN 16931): a line's net is quantity × unit price − discount, rounded
half-up to cents (BR-CO-10 sums those rounded nets); tax is computed once per
tax rate on the sum of that rate's line nets, rounded half-up (BR-CO-14/17);
the tax total is the sum of the rounded per-rate amounts (BR-CO-14) and the
gross total is net + tax (BR-CO-15). Reverse-charge lines are taxed at 0%
and the document carries the legal note. Nothing here touches the database,
and a float anywhere raises TypeError.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Sequence

from cloudmanager.core.money import ZERO, round_money, to_decimal

QUANTITY_PLACES = 3
UNIT_PRICE_PLACES = 4
RATE_PLACES = 2
MAX_AMOUNT = Decimal("9999999999.99")
HUNDRED = Decimal(100)

REVERSE_CHARGE_NOTE = (
    "Reverse charge: VAT to be accounted for by the recipient "
    "(Article 196, Council Directive 2006/112/EC)."
)


@dataclass(frozen=True)
class LineInput:
    """What the engine needs of one line; amounts are Decimals, never floats."""

    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal  # a percentage, e.g. Decimal("19.00")
    discount: Decimal = ZERO  # an amount off the line, in the document currency
    reverse_charge: bool = False

    def __post_init__(self) -> None:
        for name in ("quantity", "unit_price", "tax_rate", "discount"):
            object.__setattr__(self, name, to_decimal(getattr(self, name)))


@dataclass(frozen=True)
class TaxGroup:
    """Tax of one rate: the rate's line nets summed, and the tax on that sum."""

    rate: Decimal
    reverse_charge: bool
    taxable: Decimal
    tax: Decimal

    @property
    def category(self) -> str:
        """The EN 16931 VAT category code: S standard, Z zero rated, AE reverse charge."""
        if self.reverse_charge:
            return "AE"
        return "S" if self.rate > 0 else "Z"


@dataclass(frozen=True)
class Totals:
    """Every amount of a document, each rounded to cents."""

    line_nets: tuple[Decimal, ...]
    tax_groups: tuple[TaxGroup, ...]
    net: Decimal
    tax: Decimal
    gross: Decimal
    notes: tuple[str, ...] = field(default=())


def line_net(quantity: Any, unit_price: Any, discount: Any = ZERO) -> Decimal:
    """quantity × unit price − discount, rounded half-up to cents."""
    return round_money(to_decimal(quantity) * to_decimal(unit_price) - to_decimal(discount))


def effective_rate(line: LineInput) -> Decimal:
    """The rate a line is taxed at: 0 under reverse charge, else its own rate."""
    return ZERO if line.reverse_charge else line.tax_rate.quantize(Decimal("0.01"))


def tax_amount(taxable: Decimal, rate: Decimal) -> Decimal:
    """Tax on a rate's summed nets, rounded half-up to cents."""
    return round_money(taxable * rate / HUNDRED)


def compute_totals(lines: Sequence[LineInput]) -> Totals:
    """Line nets, the tax per rate, and the net, tax and gross totals."""
    nets = tuple(line_net(line.quantity, line.unit_price, line.discount) for line in lines)
    taxable: dict[tuple[Decimal, bool], Decimal] = {}
    for line, net in zip(lines, nets):
        key = (effective_rate(line), line.reverse_charge)
        taxable[key] = taxable.get(key, ZERO) + net
    groups = tuple(
        TaxGroup(rate=rate, reverse_charge=rc, taxable=amount, tax=tax_amount(amount, rate))
        for (rate, rc), amount in sorted(taxable.items(), key=lambda item: (item[0][1], item[0][0]))
    )
    net_total = sum(nets, ZERO)
    tax_total = sum((group.tax for group in groups), ZERO)
    notes = (REVERSE_CHARGE_NOTE,) if any(line.reverse_charge for line in lines) else ()
    return Totals(
        line_nets=nets,
        tax_groups=groups,
        net=net_total,
        tax=tax_total,
        gross=net_total + tax_total,
        notes=notes,
    )


def balance_due(gross: Any, payments: Iterable[Any] = (), credits: Iterable[Any] = ()) -> Decimal:
    """What is still owed: gross − payments − credits (negative means overpaid)."""
    paid = sum((to_decimal(amount) for amount in payments), ZERO)
    credited = sum((to_decimal(amount) for amount in credits), ZERO)
    return to_decimal(gross) - paid - credited


# --- parsing user input ---------------------------------------------------------------


class AmountError(ValueError):
    """A typed-in number is not acceptable; the message is for the user."""


def parse_decimal(
    value: Any,
    *,
    places: int,
    minimum: Decimal | None = ZERO,
    maximum: Decimal | None = MAX_AMOUNT,
    label: str = "amount",
    allow_zero: bool = True,
) -> Decimal:
    """A Decimal from user input with at most `places` decimals, within bounds."""
    if isinstance(value, float):
        raise TypeError("money must never be a float")
    text = str(value if value is not None else "").strip().replace(" ", "")
    if not text:
        raise AmountError(f"Enter the {label}.")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as typed in most of Europe
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise AmountError(f"The {label} must be a number.") from exc
    if not number.is_finite():
        raise AmountError(f"The {label} must be a number.")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise AmountError(f"The {label} can have at most {places} decimals.")
    if minimum is not None and number < minimum:
        raise AmountError(f"The {label} cannot be below {minimum}.")
    if maximum is not None and number > maximum:
        raise AmountError(f"The {label} is too large.")
    if not allow_zero and number == 0:
        raise AmountError(f"The {label} cannot be zero.")
    return number


def parse_quantity(value: Any) -> Decimal:
    """A positive quantity with up to 3 decimals."""
    return parse_decimal(
        value,
        places=QUANTITY_PLACES,
        maximum=Decimal("9999999"),
        label="quantity",
        allow_zero=False,
    )


def parse_unit_price(value: Any) -> Decimal:
    """A unit price (≥ 0) with up to 4 decimals."""
    return parse_decimal(value, places=UNIT_PRICE_PLACES, label="unit price")


def parse_money(value: Any, label: str = "amount", allow_zero: bool = True) -> Decimal:
    """An amount (≥ 0) in cents."""
    return parse_decimal(value, places=2, label=label, allow_zero=allow_zero)


def parse_rate(value: Any) -> Decimal:
    """A tax percentage between 0 and 100 with up to 2 decimals."""
    return parse_decimal(value, places=RATE_PLACES, maximum=HUNDRED, label="tax rate")
