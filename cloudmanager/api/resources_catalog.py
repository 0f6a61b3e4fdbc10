"""Catalog operations of the JSON API: products (read, create, change) and tax rates (read).

Writes go through the product services the back office uses, so the SKU,
price and reference rules, and the audit log, hold here too.
"""

from flask import url_for
from cloudmanager.api.listing import listing, sorted_page
from cloudmanager.api.registry import api_user, created, operation
from cloudmanager.api.schemas import ListResponse
from cloudmanager.api.schemas_catalog import (
    ProductIn,
    ProductOut,
    ProductPatch,
    ProductQuery,
    TaxRateOut,
    TaxRateQuery,
)
from cloudmanager.extensions import db
from cloudmanager.products.models import Product, TaxRate
from cloudmanager.products.services import (
    create_product,
    filtered_products,
    get_product,
    product_data,
    update_product,
)
from cloudmanager.products.taxes import filtered_tax_rates

PRODUCT_KEYS = {
    "name": (Product.name, Product.id),
    "sku": (Product.sku,),
    "created": (Product.id,),
}
TAX_RATE_KEYS = {
    "country": (TaxRate.country, TaxRate.name, TaxRate.valid_from, TaxRate.id),
    "name": (TaxRate.name, TaxRate.country, TaxRate.valid_from, TaxRate.id),
    "valid_from": (TaxRate.valid_from, TaxRate.id),
    "created": (TaxRate.id,),
}


def _service_data(body: ProductIn) -> dict:
    """The new product in the shape the service takes (the company currency by default)."""
    data = body.model_dump()
    if data["currency"] is None:
        from cloudmanager.settings.services import get_setting

        data["currency"] = get_setting("locale.currency")
    return data


@operation(
    "/products",
    scope="catalog:read",
    tag="Catalog",
    summary="List products",
    query=ProductQuery,
    response=ListResponse[ProductOut],
)
def list_products_api(query: ProductQuery):
    """Products filtered by search text, status and group, by name unless `sort` says otherwise."""
    stmt = filtered_products(q=query.q, group_id=query.group_id, status=query.status)
    return listing(ProductOut, sorted_page(stmt, query, PRODUCT_KEYS))


@operation(
    "/products",
    "POST",
    scope="catalog:write",
    tag="Catalog",
    summary="Create a product",
    body=ProductIn,
    response=ProductOut,
    status=201,
)
def create_product_api(body: ProductIn):
    """A new product: one-off with `one_off_price`, or recurring with `prices` per cycle."""
    product = create_product(_service_data(body), by=api_user())
    return created(ProductOut.of(product), url_for("api_v1.get_product_api", product_id=product.id))


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
    "/products/<int:product_id>",
    "PATCH",
    scope="catalog:write",
    tag="Catalog",
    summary="Change a product",
    body=ProductPatch,
    response=ProductOut,
)
def update_product_api(product_id: int, body: ProductPatch):
    """Change the fields sent; an archived product is a 409 (restore it in the back office)."""
    product = get_product(product_id)
    update_product(product, {**product_data(product), **body.changes()}, by=api_user())
    db.session.expire(product, ["group", "tax_rate"])  # the ids may have changed
    return ProductOut.of(product)


@operation(
    "/tax-rates",
    scope="catalog:read",
    tag="Catalog",
    summary="List tax rates",
    query=TaxRateQuery,
    response=ListResponse[TaxRateOut],
)
def list_tax_rates_api(query: TaxRateQuery):
    """Tax rates, by country, name and start date unless `sort` says otherwise."""
    stmt = filtered_tax_rates(country=query.country)
    return listing(TaxRateOut, sorted_page(stmt, query, TAX_RATE_KEYS))
