"""Product validation: prices, currencies, cycles, SKU, stock, tiers; and auditing."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.products.services import create_product, product_price, update_product


def errors_of(data) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        create_product(data)
    return caught.value.errors


def test_negative_price_is_refused(product_data):
    errors = errors_of(product_data(prices={"monthly": "-1.00"}))
    assert errors == {"price_monthly": "The amount cannot be negative."}


def test_negative_setup_fee_is_refused(product_data):
    assert "setup_fee" in errors_of(product_data(setup_fee="-5"))


def test_more_than_four_decimals_is_refused(product_data):
    errors = errors_of(product_data(prices={"monthly": "1.23456"}))
    assert errors["price_monthly"] == "Use at most 4 decimals."


def test_four_decimals_are_kept_exactly(db, product_data):
    product = create_product(product_data(prices={"monthly": "0.0125"}))
    db.session.commit()
    db.session.expire_all()
    assert product_price(product, "monthly") == Decimal("0.0125")


def test_float_prices_are_refused(product_data):
    assert "price_monthly" in errors_of(product_data(prices={"monthly": 19.9}))


def test_text_that_is_not_an_amount_is_refused(product_data):
    assert "price_annual" in errors_of(product_data(prices={"annual": "abc"}))


def test_unknown_currency_is_refused(product_data):
    assert "currency" in errors_of(product_data(currency="EUX"))


def test_lower_case_known_currency_is_accepted(db, product_data):
    assert create_product(product_data(currency="chf")).currency == "CHF"


def test_recurring_product_needs_one_offered_cycle(product_data):
    assert "prices" in errors_of(product_data(prices={}))


def test_one_off_product_needs_a_price_and_no_cycles(product_data):
    errors = errors_of(product_data(kind="one_off", one_off_price=""))
    assert "one_off_price" in errors and "prices" in errors


def test_only_offered_cycles_have_a_price(db, product_data):
    product = create_product(product_data(prices={"monthly": "10", "quarterly": ""}))
    assert product.offered_cycles == ["monthly"]
    assert product_price(product, "monthly") == Decimal("10")
    with pytest.raises(ValidationFailed):
        product_price(product, "quarterly")


def test_one_off_product_price_has_no_cycle(db, product_data):
    product = create_product(product_data(kind="one_off", prices={}, one_off_price="149.00"))
    assert product_price(product, None) == Decimal("149.00")
    with pytest.raises(ValidationFailed):
        product_price(product, "monthly")


def test_unknown_billing_cycle_is_refused(product_data):
    assert "price_weekly" in errors_of(product_data(prices={"weekly": "1"}))


def test_sku_is_unique_ignoring_case(db, make_product, product_data):
    make_product(sku="CS-M")
    assert errors_of(product_data(sku="cs-m"))["sku"] == "Another product already uses this SKU."


def test_a_sku_taken_by_a_concurrent_request_is_a_field_error(
    db, make_product, product_data, monkeypatch
):
    make_product(sku="CS-M")
    scalar = db.session.scalar

    def check_missed_it(stmt, *args, **kwargs):  # the other request committed after our check
        return None if "lower(products.sku)" in str(stmt) else scalar(stmt, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", check_missed_it)
    assert errors_of(product_data(sku="CS-M"))["sku"] == "Another product already uses this SKU."


def test_sku_with_spaces_is_refused(product_data):
    assert "sku" in errors_of(product_data(sku="CS M"))


def test_negative_stock_is_refused(product_data):
    assert "stock" in errors_of(product_data(stock="-1"))


def test_unknown_support_tier_is_refused(product_data):
    assert "support_tier" in errors_of(product_data(support_tier="gold"))


def test_all_errors_are_reported_together(product_data):
    errors = errors_of(product_data(sku="", name="", currency="XXX"))
    assert {"sku", "name", "currency"} <= set(errors)


def test_creating_a_product_is_audited(db, product_data, users):
    product = create_product(product_data(), by=users["manager"])
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "product.created"))
    assert entry.object_id == str(product.id)
    assert entry.actor_id == users["manager"].id
    assert entry.after["prices"] == {"monthly": "19.9000", "annual": "214.8000"}


def test_changing_a_price_is_audited_with_before_and_after(db, make_product, product_data):
    product = make_product(sku="CS-M")
    update_product(product, product_data(sku="CS-M", prices={"monthly": "21.00"}))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "product.updated"))
    assert entry.before["prices"]["monthly"] == "19.9000"
    assert entry.after["prices"] == {"monthly": "21.0000"}


def test_a_refused_change_leaves_the_product_untouched(db, make_product, product_data):
    product = make_product(sku="CS-M")
    with pytest.raises(ValidationFailed):
        update_product(product, product_data(sku="CS-M", prices={"monthly": "-3"}))
    db.session.rollback()
    assert product_price(product, "monthly") == Decimal("19.90")


def test_saving_unchanged_values_writes_no_audit_entry(db, make_product, product_data):
    product = make_product(sku="CS-M")
    assert (
        update_product(
            product, product_data(sku="CS-M", prices={"monthly": "19.9", "annual": "214.80"})
        )
        == {}
    )
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "product.updated" not in actions
