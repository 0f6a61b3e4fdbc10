"""Each validation rule of customers: required fields, email, phone, VAT id, country."""

import pytest

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.customers.services import create_customer, update_billing
from cloudmanager.customers.validation import (
    FieldError,
    normalize_country,
    normalize_email,
    normalize_phone,
    normalize_vat_id,
)


def errors_of(data, by):
    with pytest.raises(ValidationFailed) as info:
        create_customer(data, by=by)
    return info.value.errors


@pytest.mark.parametrize("field", ["name", "email", "country"])
def test_required_field_missing_is_reported_next_to_it(db, users, customer_data, field):
    errors = errors_of(customer_data(**{field: "  "}), users["admin"])
    assert field in errors


def test_malformed_email_is_refused(db, users, customer_data):
    errors = errors_of(customer_data(email="not-an-email"), users["admin"])
    assert "valid email" in errors["email"]


def test_email_is_stored_lower_case(db, users, customer_data):
    customer = create_customer(customer_data(email="Billing@ACME.Example"), by=users["admin"])
    assert customer.email == "billing@acme.example"


def test_email_must_be_unique_ignoring_case(db, users, make_customer, customer_data):
    make_customer(email="ops@acme.example")
    errors = errors_of(customer_data(email="OPS@Acme.Example"), users["admin"])
    assert "already uses" in errors["email"]


@pytest.mark.parametrize(
    "raw,country,expected",
    [
        ("+49 30 1234567", None, "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("+33 1 42 68 53 00", "DE", "+33142685300"),
        ("", "DE", ""),
    ],
)
def test_phone_is_normalized_to_e164(raw, country, expected):
    assert normalize_phone(raw, country) == expected


@pytest.mark.parametrize("raw", ["12345", "+49 1", "call me", "+999 123456789"])
def test_invalid_phone_is_refused(raw):
    with pytest.raises(FieldError):
        normalize_phone(raw, "DE")


@pytest.mark.parametrize(
    "raw,country,expected",
    [
        ("DE 123 456 789", "DE", "DE123456789"),
        ("123456789", "DE", "DE123456789"),
        ("ATU12345678", "AT", "ATU12345678"),
        ("NL123456789B01", "NL", "NL123456789B01"),
        ("FR12345678901", "FR", "FR12345678901"),
        ("EL123456789", "GR", "EL123456789"),
        ("123456789", "GR", "EL123456789"),
        ("ESX1234567X", "ES", "ESX1234567X"),
        ("IE1234567WA", "IE", "IE1234567WA"),
        ("XI123456789", "GB", "XI123456789"),
        ("CHE123456789", "CH", "CHE123456789"),
        ("", "DE", ""),
    ],
)
def test_vat_id_format_is_accepted_per_country(raw, country, expected):
    assert normalize_vat_id(raw, country) == expected


@pytest.mark.parametrize(
    "raw,country",
    [
        ("DE12345678", "DE"),
        ("DE1234567890", "DE"),
        ("AT12345678", "AT"),
        ("NL123456789", "NL"),
        ("BE2123456789", "BE"),
        ("SE123456789012", "SE"),
        ("XX123", "DE"),
    ],
)
def test_vat_id_with_wrong_format_is_refused(raw, country):
    with pytest.raises(FieldError):
        normalize_vat_id(raw, country)


def test_vat_error_is_shown_next_to_the_vat_field(db, users, customer_data):
    errors = errors_of(customer_data(vat_id="DE12"), users["admin"])
    assert set(errors) == {"vat_id"}
    assert "DE VAT id" in errors["vat_id"]


@pytest.mark.parametrize("raw", ["XX", "Germany", "D", "123"])
def test_country_must_be_an_iso_3166_code(raw):
    with pytest.raises(FieldError):
        normalize_country(raw)


def test_country_code_is_upper_cased():
    assert normalize_country(" de ") == "DE"


def test_email_validator_rejects_missing_domain():
    with pytest.raises(FieldError):
        normalize_email("someone@")


def test_currency_defaults_to_the_locale_setting(db, users, customer_data):
    from cloudmanager.settings.services import update_settings

    update_settings({"locale.currency": "CHF"}, by=users["admin"])
    customer = create_customer(customer_data(currency=""), by=users["admin"])
    assert customer.currency == "CHF"


def test_payment_terms_out_of_range_are_refused(db, users, customer_data):
    errors = errors_of(customer_data(payment_terms_days="400"), users["admin"])
    assert "payment_terms_days" in errors


def test_billing_change_of_country_rechecks_a_vat_id_without_prefix(db, users, make_customer):
    customer = make_customer(vat_id="")
    data = {**_billing(customer), "country": "AT", "vat_id": "12345678"}
    with pytest.raises(ValidationFailed) as info:
        update_billing(customer, data, by=users["accountant"])
    assert "ATU" in info.value.errors["vat_id"]


def _billing(customer):
    from cloudmanager.customers.services import BILLING_FIELDS

    return {name: getattr(customer, name) for name in BILLING_FIELDS}
