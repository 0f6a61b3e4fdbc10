"""API schemas of the catalog: products and tax rates."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from cloudmanager.api.listing import sort_param, sort_type
from cloudmanager.api.schemas import MAX_ID, ApiModel, BodyModel, Id, ListQuery, UnitPrice, text
from cloudmanager.products.currencies import ISO_4217
from cloudmanager.products.models import BILLING_CYCLES, SUPPORT_TIERS
from cloudmanager.products.validation import SKU_PATTERN

Cycle = Literal[tuple(BILLING_CYCLES)]
Currency = Literal[tuple(sorted(ISO_4217))]
Kind = Literal["one_off", "recurring"]
SupportTier = Literal[tuple(SUPPORT_TIERS)]
Sku = Annotated[
    str,
    Field(
        pattern=SKU_PATTERN.pattern,
        description="Unique; letters, digits, dots, dashes, underscores",
        examples=["CS-M"],
    ),
]
ProductName = text(160, min_length=1)
Prices = Annotated[
    dict[Cycle, UnitPrice],
    Field(
        max_length=len(BILLING_CYCLES),
        description="billing cycle → net price; recurring products offer at least one",
        examples=[{"monthly": "10.00", "annual": "100.00"}],
    ),
]
Stock = Annotated[int, Field(ge=0, le=MAX_ID, description="null: unlimited")]

ProductSort = sort_type(("name", "sku", "created"))
TaxRateSort = sort_type(("country", "name", "valid_from", "created"))


def _no_default(schema: dict[str, Any]) -> None:
    """Leave out a PATCH field's placeholder default: omitted means unchanged, not null."""
    schema.pop("default", None)


def _unchanged() -> Any:
    """A PATCH field that may be left out but, when sent, may not be null."""
    return Field(None, json_schema_extra=_no_default)


class ProductOut(ApiModel):
    """A product with its net prices (decimal strings) per offered billing cycle."""

    id: int
    sku: str
    name: str
    description: str
    group_id: int | None
    group: str | None
    kind: Kind
    currency: str
    prices: dict[str, Decimal] = Field(description="billing cycle → net price")
    one_off_price: Decimal | None
    setup_fee: Decimal
    tax_rate_id: int | None
    support_tier: str | None
    active: bool
    visible_in_portal: bool
    activate_on_order: bool
    stock: int | None = Field(description="null: unlimited")
    archived: bool

    @classmethod
    def of(cls, product) -> "ProductOut":
        """Build from a Product row."""
        names = (
            "id sku name description group_id kind currency one_off_price setup_fee tax_rate_id "
            "support_tier active visible_in_portal activate_on_order stock"
        ).split()
        return cls(
            **{name: getattr(product, name) for name in names},
            group=product.group.name if product.group else None,
            prices={price.cycle: price.amount for price in product.prices},
            archived=product.is_archived,
        )


class ProductIn(BodyModel):
    """A new product (checked again by the catalog's rules, as in the back office)."""

    sku: Sku
    name: ProductName = Field(examples=["Cloud Server M"])
    description: text(10000) = ""
    group_id: Id | None = None
    kind: Kind = "recurring"
    currency: Currency | None = Field(None, description="Default: the company currency")
    prices: Prices = Field(default_factory=dict)
    one_off_price: UnitPrice | None = Field(None, description="The price of a one-off product")
    setup_fee: UnitPrice = "0"
    tax_rate_id: Id | None = Field(None, description="null: the customer country's standard rate")
    support_tier: SupportTier | None = None
    stock: Stock | None = None
    active: bool = Field(True, description="Can be ordered")
    visible_in_portal: bool = True
    activate_on_order: bool = Field(
        False, description="Start services when the order is accepted, not when first paid"
    )


class ProductPatch(BodyModel):
    """Only the fields sent change; null clears an optional one (stock null: unlimited).

    `prices` replaces the offered cycles as a whole. Archived products cannot be changed.
    """

    sku: Sku = _unchanged()
    name: ProductName = _unchanged()
    description: text(10000) = _unchanged()
    group_id: Id | None = None
    kind: Kind = _unchanged()
    currency: Currency = _unchanged()
    prices: Prices = _unchanged()
    one_off_price: UnitPrice | None = None
    setup_fee: UnitPrice = _unchanged()
    tax_rate_id: Id | None = None
    support_tier: SupportTier | None = None
    stock: Stock | None = None
    active: bool = _unchanged()
    visible_in_portal: bool = _unchanged()
    activate_on_order: bool = _unchanged()

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, nulls included."""
        return self.model_dump(exclude_unset=True)


class ProductQuery(ListQuery):
    """Filters of the product list."""

    q: text(100) = Field("", description="Part of the name or SKU")
    status: Literal["active", "archived", "all"] = "active"
    group_id: Id | None = None
    sort: ProductSort = sort_param("name")


class TaxRateOut(ApiModel):
    """A tax rate version: valid_to is the last day it applies (null: open-ended)."""

    id: int
    name: str
    country: str
    percent: Decimal
    valid_from: date
    valid_to: date | None
    is_default: bool

    @classmethod
    def of(cls, rate) -> "TaxRateOut":
        """Build from a TaxRate row."""
        return cls.model_validate(rate)


class TaxRateQuery(ListQuery):
    """Filters of the tax rate list."""

    country: str = Field("", pattern="^([A-Za-z]{2})?$", description="Two-letter country code")
    sort: TaxRateSort = sort_param("country")
