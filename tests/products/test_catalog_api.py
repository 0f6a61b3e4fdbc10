"""The read-only catalog API: products and tax rates with the catalog:read scope."""

from tests.api.helpers import bearer, make_token


def test_products_are_listed_with_exact_prices_and_paged(client, db, users, make_product):
    for n in range(3):
        make_product(name=f"Server {n}", prices={"monthly": "9.9", "annual": "106.8"})
    _, secret = make_token(db, users["agent"], scopes=["catalog:read"])
    first = client.get("/api/v1/products?limit=2", headers=bearer(secret)).json
    assert [p["name"] for p in first["data"]] == ["Server 0", "Server 1"]
    assert first["data"][0]["prices"] == {"monthly": "9.9000", "annual": "106.8000"}
    rest = client.get(
        f"/api/v1/products?limit=2&cursor={first['next_cursor']}", headers=bearer(secret)
    ).json
    assert [p["name"] for p in rest["data"]] == ["Server 2"] and rest["next_cursor"] is None


def test_one_product_and_an_unknown_one(client, db, users, make_product):
    product = make_product(sku="CS-M", stock=3)
    _, secret = make_token(db, users["manager"], scopes=["catalog:read"])
    body = client.get(f"/api/v1/products/{product.id}", headers=bearer(secret)).json
    assert (body["sku"], body["stock"], body["archived"]) == ("CS-M", 3, False)
    assert client.get("/api/v1/products/999999", headers=bearer(secret)).status_code == 404


def test_tax_rates_are_listed_by_country(client, db, users, make_rate):
    make_rate("DE", "19")
    make_rate("FR", "20")
    _, secret = make_token(db, users["accountant"], scopes=["catalog:read"])
    body = client.get("/api/v1/tax-rates?country=FR", headers=bearer(secret)).json
    assert [(r["country"], r["percent"]) for r in body["data"]] == [("FR", "20.00")]


def test_a_token_without_the_catalog_scope_is_refused(client, db, users):
    _, secret = make_token(db, users["admin"], scopes=["customers:read"])
    assert client.get("/api/v1/products", headers=bearer(secret)).status_code == 403
