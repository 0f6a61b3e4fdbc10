"""Catalog operations of the JSON API: products and tax rates, read-only (scope catalog:read)."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from cloudmanager.api.listing import listing, paged
from cloudmanager.api.registry import operation
from cloudmanager.api.schemas import ApiModel, ListQuery, ListResponse, text
from cloudmanager.products.services import get_product, list_products
from cloudmanager.products.taxes import list_tax_rates


class ProductOut(ApiModel):
    """A product with its net prices (decimal strings) per offered billing cycle."""

    id: int
    sku: str
    name: str
    description: str
    group: str | None
    kind: Literal["one_off", "recurring"]
    currency: str
    prices: dict[str, Decimal] = Field(description="billing cycle → net price")
    one_off_price: Decimal | None
    setup_fee: Decimal
    tax_rate_id: int | None
    support_tier: str | None
    active: bool
    visible_in_portal: bool
    stock: int | None = Field(description="null: unlimited")
    archived: bool

    @classmethod
    def of(cls, product) -> "ProductOut":
        """Build from a Product row."""
        return cls(
            **{
                name: getattr(product, name)
                for name in (
                    "id",
                    "sku",
                    "name",
                    "description",
                    "kind",
                    "currency",
                    "one_off_price",
                    "setup_fee",
                    "tax_rate_id",
                    "support_tier",
                    "active",
                    "visible_in_portal",
                    "stock",
                )
            },
            group=product.group.name if product.group else None,
            prices={price.cycle: price.amount for price in product.prices},
            archived=product.is_archived,
        )


class ProductQuery(ListQuery):
    """Filters of the product list."""

    q: text(100) = Field("", description="Part of the name or SKU")
    status: Literal["active", "archived", "all"] = "active"


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


@operation(
    "/products",
    scope="catalog:read",
    tag="Catalog",
    summary="List products",
    query=ProductQuery,
    response=ListResponse[ProductOut],
)
def list_products_api(query: ProductQuery):
    """Products by name, one keyset page at a time."""
    page, cursor = paged(
        query,
        lambda after: list_products(q=query.q, status=query.status, cursor=after, size=query.limit),
    )
    return listing(ProductOut, page, cursor)


@operation(
    "/products/<int:product_id>",
    scope="catalog:read",
    tag="Catalog",
    summary="Get a product",
    response=ProductOut,
)
def get_product_api(product_id: int):
    """One product with its prices."""
    return ProductOut.of(get_product(product_id))


@operation(
    "/tax-rates",
    scope="catalog:read",
    tag="Catalog",
    summary="List tax rates",
    query=TaxRateQuery,
    response=ListResponse[TaxRateOut],
)
def list_tax_rates_api(query: TaxRateQuery):
    """Tax rates by country, name and start date."""
    page, cursor = paged(
        query, lambda after: list_tax_rates(country=query.country, cursor=after, size=query.limit)
    )
    return listing(TaxRateOut, page, cursor)
