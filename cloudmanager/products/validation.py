"""Input rules shared by products and tax rates: amounts, percentages, codes."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from cloudmanager.core.errors import ValidationFailed

MAX_PRICE_DECIMALS = 4
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def parse_amount(value: Any, *, places: int = MAX_PRICE_DECIMALS) -> Decimal:
    """A non-negative Decimal with at most `places` decimals, at that scale; else ValueError."""
    if isinstance(value, float):
        raise ValueError("Amounts must be exact decimals, not floats.")
    if isinstance(value, bool):
        raise ValueError("Enter an amount.")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("Enter an amount such as 12.50.") from None
    if not amount.is_finite():
        raise ValueError("Enter an amount such as 12.50.")
    if amount < 0:
        raise ValueError("The amount cannot be negative.")
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(f"Use at most {places} decimals.")
    if amount >= Decimal(10) ** 12:
        raise ValueError("The amount is too large.")
    return amount.quantize(Decimal(1).scaleb(-places))


def parse_percent(value: Any) -> Decimal:
    """A percentage from 0 to 100 with at most 2 decimals; ValueError with a message."""
    percent = parse_amount(value, places=2)
    if percent > 100:
        raise ValueError("A tax rate is between 0 and 100%.")
    return percent


class Errors(dict):
    """Collects field errors and raises them together."""

    def check(self, field: str, func, *args, **kwargs):
        """Call `func`; a ValueError becomes the message of `field`."""
        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            self[field] = str(exc)
            return None

    def raise_if_any(self) -> None:
        """Raise ValidationFailed when anything was collected."""
        if self:
            raise ValidationFailed(dict(self))
