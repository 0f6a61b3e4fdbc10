"""Money: `Decimal` in Python, exact in both databases.

SQLite has no decimal type (NUMERIC comes back as a float and sums drift), so
`Money` stores scaled integers there and NUMERIC on PostgreSQL. `func.sum()`
over a Money column keeps the column type, so sums come back as exact Decimals
on both. Do not multiply two Money columns inside SQL: on SQLite the scales
would multiply too; compute such products in Python.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value: Any) -> Decimal:
    """Convert an int, str or Decimal into a Decimal; floats are refused."""
    if isinstance(value, float):
        raise TypeError("money must never be a float")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def round_money(value: Any, places: int = 2) -> Decimal:
    """Round half-up to `places` decimals (cents by default)."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_money(value: Any, currency: str = "EUR") -> str:
    """`1234.5` → `1,234.50 EUR`; used by templates and PDFs."""
    amount = round_money(value if value is not None else ZERO)
    return f"{amount:,.2f} {currency}".strip()


class Money(TypeDecorator):
    """An exact amount with `scale` decimals (2 for totals, 4 for unit prices)."""

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = 2, precision: int = 18):
        super().__init__()
        self.scale = scale
        self.precision = precision

    def load_dialect_impl(self, dialect: Dialect):
        """Scaled BIGINT on SQLite, NUMERIC(precision, scale) elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect):
        """Quantize to the column's scale; refuse floats and extra decimals."""
        if value is None:
            return None
        amount = to_decimal(value)
        quantized = amount.quantize(Decimal(1).scaleb(-self.scale))
        if quantized != amount:
            raise ValueError(f"{amount} has more than {self.scale} decimals")
        if dialect.name == "sqlite":
            return int(quantized.scaleb(self.scale))
        return quantized

    def process_result_value(self, value: Any, dialect: Dialect):
        """Back to a Decimal with the column's scale."""
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value).quantize(Decimal(1).scaleb(-self.scale))

    def __repr__(self) -> str:
        return f"Money(scale={self.scale}, precision={self.precision})"

    @property
    def python_type(self):
        """Decimal, for forms and introspection."""
        return Decimal
