"""Customer factories for the customers tests."""

import itertools

import pytest

VALID = {
    "kind": "company",
    "name": "Acme Cloud GmbH",
    "email": "billing@acme.example",
    "phone": "+49 30 1234567",
    "website": "acme.example",
    "vat_id": "DE123456789",
    "address_line1": "Hauptstraße 1",
    "city": "Berlin",
    "postcode": "10115",
    "country": "DE",
    "currency": "EUR",
    "payment_terms_days": "14",
    "tags": "reseller",
}


@pytest.fixture
def customer_data():
    """Valid form input for a customer (a fresh copy per call)."""
    return lambda **overrides: {**VALID, **overrides}


@pytest.fixture
def make_customer(db, users, customer_data):
    """Create and commit a customer: `make_customer(name=…, email=…)`."""
    from cloudmanager.customers.services import create_customer

    counter = itertools.count(1)

    def factory(**overrides):
        n = next(counter)
        overrides.setdefault("email", f"customer{n}@example.com")
        overrides.setdefault("name", f"Customer {n:03d}")
        customer = create_customer(customer_data(**overrides), by=users["admin"])
        db.session.commit()
        return customer

    return factory
