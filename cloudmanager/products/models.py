"""The catalog: product groups, products, their prices per billing cycle, and tax rates."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudmanager.core.money import Money
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db

ONE_OFF = "one_off"
RECURRING = "recurring"
PRODUCT_KINDS = {ONE_OFF: "One-off", RECURRING: "Recurring service"}

BILLING_CYCLES = {
    "monthly": "Monthly",
    "quarterly": "Quarterly",
    "semiannual": "Semi-annual",
    "annual": "Annual",
}
CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}

SUPPORT_TIERS = {"basic": "Basic", "standard": "Standard", "premium": "Premium"}


class ProductGroup(db.Model):
    """A shelf of the catalog (Cloud servers, Storage, Support plans …)."""

    __tablename__ = "product_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ProductGroup {self.name}>"


class TaxRate(db.Model):
    """A tax rate valid for a country over a date range (valid_to inclusive, None = open).

    A change of rate is a new row from a date with the same name and country;
    invoices copy the percentage when issued, so old invoices never change.
    """

    __tablename__ = "tax_rates"
    __table_args__ = (
        CheckConstraint("percent >= 0", name="percent_not_negative"),
        Index("ix_tax_rates_country_name_from", "country", "name", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2))
    percent: Mapped[Decimal] = mapped_column(Money(scale=2, precision=5))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def valid_on(self, day: date) -> bool:
        """True when the rate applies on `day`."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def label(self) -> str:
        """`DE VAT 19%` as shown on forms and invoices."""
        return f"{self.country} {self.name} {self.percent.normalize():f}%"

    def __repr__(self) -> str:
        return f"<TaxRate {self.label} from {self.valid_from}>"


class Product(db.Model):
    """Something the company sells: a one-off item or a recurring service."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        Index("ix_products_name_id", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_groups.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default=RECURRING)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    one_off_price: Mapped[Decimal | None] = mapped_column(Money(scale=4))
    setup_fee: Mapped[Decimal] = mapped_column(Money(scale=4), default=Decimal("0"))
    tax_rate_id: Mapped[int | None] = mapped_column(ForeignKey("tax_rates.id", ondelete="SET NULL"))
    support_tier: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    visible_in_portal: Mapped[bool] = mapped_column(default=True)
    # Services of this product start when the order is accepted, before the first payment.
    activate_on_order: Mapped[bool] = mapped_column(default=False)
    stock: Mapped[int | None]
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    group: Mapped[ProductGroup | None] = relationship(lazy="joined")
    tax_rate: Mapped[TaxRate | None] = relationship(lazy="joined")
    prices: Mapped[list["ProductPrice"]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ProductPrice.months",
    )

    @property
    def is_archived(self) -> bool:
        """Archived products stay on old orders and invoices but cannot be sold."""
        return self.archived_at is not None

    @property
    def is_recurring(self) -> bool:
        """True for services billed per cycle."""
        return self.kind == RECURRING

    @property
    def offered_cycles(self) -> list[str]:
        """The billing cycles that have a price, shortest first."""
        return [price.cycle for price in self.prices]

    def __repr__(self) -> str:
        return f"<Product {self.sku}>"


class ProductPrice(db.Model):
    """The price of a recurring product for one billing cycle it is offered in."""

    __tablename__ = "product_prices"
    __table_args__ = (
        UniqueConstraint("product_id", "cycle", name="uq_product_prices_product_cycle"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    cycle: Mapped[str] = mapped_column(String(16))
    months: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(Money(scale=4))

    product: Mapped[Product] = relationship(back_populates="prices")
