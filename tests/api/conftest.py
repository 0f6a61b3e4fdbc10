"""Fixtures of the API tests: tokens per role, a client that sends them, catalog rows."""

import pytest

from tests.api.helpers import bearer, make_token
from tests.fixtures import billing
from tests.fixtures.webhooks import receiver, subscribe  # noqa: F401 (fixtures)

vat = billing.vat  # German VAT 19 %, the default rate (shared with the billing tests)


class ApiClient:
    """The test client with a bearer token and JSON bodies: `api.post("/customers", {...})`."""

    def __init__(self, client, secret: str):
        self.client = client
        self.headers = bearer(secret)

    def request(self, method: str, path: str, json=None, headers=None, **kwargs):
        """Call `/api/v1` + path."""
        return self.client.open(
            "/api/v1" + path,
            method=method,
            json=json,
            headers={**self.headers, **(headers or {})},
            **kwargs,
        )

    def get(self, path, **kwargs):
        """GET."""
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        """POST a JSON body."""
        return self.request("POST", path, json=json if json is not None else {}, **kwargs)

    def patch(self, path, json, **kwargs):
        """PATCH a JSON body."""
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        """DELETE."""
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api_as(client, db, make_user):
    """`api_as("manager")` → an ApiClient with a token holding every scope the role allows."""

    def factory(role_or_user="admin", scopes=None):
        user = make_user(role_or_user) if isinstance(role_or_user, str) else role_or_user
        _, secret = make_token(db, user, scopes=scopes)
        return ApiClient(client, secret)

    return factory


@pytest.fixture
def api(api_as):
    """An admin's token with every scope."""
    return api_as("admin")


@pytest.fixture
def server(db, vat):
    """A recurring product: Cloud Server M, monthly 10.00 or annual 100.00."""
    from cloudmanager.products.services import create_product

    product = create_product(
        {
            "sku": "CS-M",
            "name": "Cloud Server M",
            "kind": "recurring",
            "currency": "EUR",
            "prices": {"monthly": "10.00", "annual": "100.00"},
            "setup_fee": "0",
            "support_tier": "standard",
            "stock": None,
            "active": True,
            "visible_in_portal": True,
        }
    )
    db.session.commit()
    return product


CUSTOMER = {
    "name": "Acme Cloud GmbH",
    "email": "billing@acme.example",
    "country": "DE",
    "vat_id": "DE123456789",
    "address_line1": "Hauptstraße 1",
    "postcode": "10115",
    "city": "Berlin",
}
