"""Products over the API: created and changed by the catalog's services, sorted lists."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.products.models import Product, TaxRate

SERVER = {
    "sku": "CS-L",
    "name": "Cloud Server L",
    "prices": {"monthly": "20.00", "annual": "200.00"},
    "support_tier": "standard",
}


@pytest.fixture
def group(db):
    """A product group "Servers"."""
    from cloudmanager.products.groups import save_group

    made = save_group(None, {"name": "Servers"})
    db.session.commit()
    return made


def test_create_get_and_change_a_product(api_as, make_user, db, vat, group):
    manager = make_user("manager")
    api = api_as(manager)
    made = api.post("/products", {**SERVER, "group_id": group.id, "tax_rate_id": vat.id})
    assert made.status_code == 201, made.json
    body = made.json
    assert made.headers["Location"].endswith(f"/api/v1/products/{body['id']}")
    assert (body["kind"], body["currency"], body["group"]) == ("recurring", "EUR", "Servers")
    assert body["prices"] == {"monthly": "20.0000", "annual": "200.0000"}
    assert body["stock"] is None and body["active"] and not body["activate_on_order"]
    assert api.get(f"/products/{body['id']}").json == body
    changed = api.patch(
        f"/products/{body['id']}",
        {"prices": {"monthly": "22.50"}, "stock": 5, "group_id": None, "active": False},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["prices"] == {"monthly": "22.5000"}  # the cycles sent replace the others
    assert (changed.json["stock"], changed.json["group"], changed.json["active"]) == (
        5,
        None,
        False,
    )
    assert changed.json["name"] == SERVER["name"] and changed.json["tax_rate_id"] == vat.id
    cleared = api.patch(f"/products/{body['id']}", {"stock": None, "tax_rate_id": None}).json
    assert (cleared["stock"], cleared["tax_rate_id"], cleared["active"]) == (None, None, False)
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("product.%")).order_by(AuditEntry.id)
    ).all()
    assert [entry.action for entry in audit] == ["product.created"] + ["product.updated"] * 2
    assert {entry.actor_id for entry in audit} == {manager.id}


def test_a_one_off_product_in_another_currency(api, db):
    body = {"sku": "SETUP", "name": "Setup", "kind": "one_off", "one_off_price": "49.5"}
    made = api.post("/products", {**body, "currency": "CHF"})
    assert made.status_code == 201, made.json
    assert (made.json["one_off_price"], made.json["prices"]) == ("49.5000", {})
    assert made.json["currency"] == "CHF"
    assert db.session.get(Product, made.json["id"]).one_off_price == Decimal("49.5")


@pytest.mark.parametrize(
    "body, field",
    [
        ({**SERVER, "sku": "cs-m"}, "sku"),  # SKUs are unique whatever their case
        ({**SERVER, "prices": {}}, "prices"),
        ({**SERVER, "kind": "one_off", "one_off_price": "5"}, "prices"),
        ({"sku": "X", "name": "X", "kind": "one_off"}, "one_off_price"),
        ({**SERVER, "group_id": 999}, "group_id"),
        ({**SERVER, "tax_rate_id": 999}, "tax_rate_id"),
    ],
)
def test_the_catalogs_rules_answer_with_field_errors(api, db, server, body, field):
    response = api.post("/products", body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [error["field"] for error in response.json["errors"]] == [field]
    assert db.session.scalar(select(func.count(Product.id))) == 1  # only the fixture's


@pytest.mark.parametrize(
    "body, field",
    [
        ({**SERVER, "prices": {"monthly": "1.23456"}}, "prices.monthly"),
        ({**SERVER, "prices": {"weekly": "1.00"}}, "prices.weekly.[key]"),
        ({**SERVER, "prices": {"monthly": 10.5}}, "prices.monthly"),
        ({**SERVER, "sku": "no spaces"}, "sku"),
        ({**SERVER, "name": "x" * 161}, "name"),
        ({**SERVER, "stock": -1}, "stock"),
        ({**SERVER, "currency": "XXX"}, "currency"),
        ({**SERVER, "archived": True}, "archived"),
    ],
)
def test_schema_violations_are_422_with_the_field(api, body, field):
    response = api.post("/products", body)
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == [field]


def test_a_change_is_checked_like_in_the_back_office(api, db, server):
    other = api.post("/products", SERVER).json
    clash = api.patch(f"/products/{other['id']}", {"sku": server.sku.lower()})
    assert clash.status_code == 422 and clash.json["errors"][0]["field"] == "sku"
    for null in ("name", "prices", "active"):
        refused = api.patch(f"/products/{other['id']}", {null: None})
        assert refused.status_code == 422 and refused.json["errors"][0]["field"] == null
    one_off = api.patch(f"/products/{other['id']}", {"kind": "one_off", "one_off_price": "9"})
    assert one_off.json["errors"][0]["field"] == "prices"
    assert api.get(f"/products/{other['id']}").json == other  # nothing was written
    assert api.patch("/products/999999", {"name": "Gone"}).status_code == 404


def test_an_archived_product_is_not_changed(api, db, server):
    from cloudmanager.products.services import archive_product

    archive_product(server)
    db.session.commit()
    response = api.patch(f"/products/{server.id}", {"name": "Revived"})
    assert response.status_code == 409 and "restore" in response.json["detail"]


def test_a_retried_product_create_returns_the_first_product(api, db):
    key = {"Idempotency-Key": "product-cs-l"}
    first = api.post("/products", SERVER, headers=key)
    retry = api.post("/products", SERVER, headers=key)
    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json and retry.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count(Product.id))) == 1


def test_managers_write_the_catalog_and_agents_only_read_it(api_as, server):
    assert api_as("manager").post("/products", SERVER).status_code == 201
    agent = api_as("agent")
    assert agent.get(f"/products/{server.id}").status_code == 200
    for response in (
        agent.post("/products", {**SERVER, "sku": "A"}),
        agent.patch(f"/products/{server.id}", {"name": "Agent's"}),
    ):
        assert response.status_code == 403 and "catalog:write" in response.json["detail"]
    read_only = api_as("admin", scopes=["catalog:read"])
    assert read_only.post("/products", {**SERVER, "sku": "B"}).status_code == 403


def _walk(api, path, *fields, **query):
    """`fields` of every row of every page of a list."""
    rows, cursor = [], None
    while True:
        page = api.get(path, query_string={**query, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.json
        rows += [tuple(row[field] for field in fields) for row in page.json["data"]]
        if (cursor := page.json["next_cursor"]) is None:
            return rows


def test_products_sort_by_name_sku_or_creation(api, db):
    for sku, name in (("B-2", "Alpha"), ("A-1", "Charlie"), ("C-3", "Bravo")):
        assert api.post("/products", {**SERVER, "sku": sku, "name": name}).status_code == 201
    assert _walk(api, "/products", "sku", limit=2) == [("B-2",), ("C-3",), ("A-1",)]  # by name
    assert _walk(api, "/products", "sku", sort="sku", limit=2) == [("A-1",), ("B-2",), ("C-3",)]
    newest = _walk(api, "/products", "sku", sort="-created", limit=1)
    assert newest == [("C-3",), ("A-1",), ("B-2",)]
    refused = api.get("/products", query_string={"sort": "price"})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "sort"


def test_tax_rates_sort_by_country_start_date_or_creation(api, db):
    for country, percent, year in (("FR", "20", 2014), ("DE", "16", 2020), ("DE", "19", 2007)):
        start = date(year, 1, 1)
        db.session.add(
            TaxRate(name="VAT", country=country, percent=Decimal(percent), valid_from=start)
        )
    db.session.commit()
    fields = ("country", "percent")
    de19, de16, fr20 = ("DE", "19.00"), ("DE", "16.00"), ("FR", "20.00")
    assert _walk(api, "/tax-rates", *fields, limit=1) == [de19, de16, fr20]
    assert _walk(api, "/tax-rates", *fields, sort="-valid_from", limit=2) == [de16, fr20, de19]
    assert _walk(api, "/tax-rates", *fields, sort="created", country="de") == [de16, de19]


def test_the_catalog_writes_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    create = paths["/api/v1/products"]["post"]
    assert create["x-scope"] == "catalog:write" and create["x-permission"] == "products.edit"
    assert {"201", "400", "403", "409", "422"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    links = create["responses"]["201"]["links"]
    assert links["update_product_api"]["parameters"] == {"path.product_id": "$response.body#/id"}
    assert paths["/api/v1/products/{product_id}"]["patch"]["x-scope"] == "catalog:write"
    for path, default in (("/api/v1/products", "name"), ("/api/v1/tax-rates", "country")):
        sort = next(p for p in paths[path]["get"]["parameters"] if p["name"] == "sort")
        assert sort["schema"]["default"] == default and "-created" in sort["schema"]["enum"]
