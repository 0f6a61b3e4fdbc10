"""Tax rates: validation, validity ranges, one default, and choosing the rate for a sale."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.errors import DomainError, ValidationFailed
from cloudmanager.products.models import TaxRate
from cloudmanager.products.taxes import save_tax_rate, select_tax_rate, supersede_tax_rate
from cloudmanager.settings.services import update_settings

D2026 = date(2026, 11, 26)


def rate_errors(**data) -> dict:
    base = {"name": "VAT", "country": "DE", "percent": "19", "valid_from": date(2020, 1, 1)}
    with pytest.raises(ValidationFailed) as caught:
        save_tax_rate(None, {**base, **data})
    return caught.value.errors


@pytest.mark.parametrize("percent", ["-0.01", "100.01", "250"])
def test_percentages_outside_0_to_100_are_refused(app, percent):
    assert "percent" in rate_errors(percent=percent)


@pytest.mark.parametrize("percent", ["0", "100", "5.5", "25.50"])
def test_percentages_from_0_to_100_are_accepted(db, percent):
    rate = save_tax_rate(
        None, {"name": "VAT", "country": "DE", "percent": percent, "valid_from": date(2020, 1, 1)}
    )
    assert rate.percent == Decimal(percent)


def test_more_than_two_decimals_in_a_percentage_is_refused(app):
    assert "percent" in rate_errors(percent="19.125")


def test_country_must_be_a_two_letter_code(app):
    assert "country" in rate_errors(country="DEU")


def test_end_before_start_is_refused(app):
    assert "valid_to" in rate_errors(valid_from=date(2026, 1, 1), valid_to=date(2025, 1, 1))


def test_overlapping_ranges_of_the_same_rate_are_refused(make_rate):
    make_rate("DE", "19", valid_from=date(2021, 1, 1))
    errors = rate_errors(valid_from=date(2020, 7, 1), valid_to=date(2021, 1, 1))
    assert errors["valid_from"].startswith("Overlaps DE VAT 19%")


def test_open_ended_rate_overlaps_any_later_start(make_rate):
    make_rate("DE", "19", valid_from=date(2021, 1, 1))
    assert "valid_from" in rate_errors(valid_from=date(2030, 1, 1))


def test_adjacent_ranges_and_other_countries_or_names_do_not_overlap(db, make_rate):
    make_rate("DE", "16", valid_from=date(2020, 7, 1), valid_to=date(2020, 12, 31))
    make_rate("DE", "19", valid_from=date(2021, 1, 1))
    make_rate("AT", "20", valid_from=date(2021, 1, 1))
    make_rate("DE", "7", name="VAT reduced", valid_from=date(2021, 1, 1))
    assert db.session.query(TaxRate).count() == 4


def test_editing_a_rate_does_not_overlap_with_itself(db, make_rate):
    rate = make_rate("DE", "19")
    save_tax_rate(
        rate, {"name": "VAT", "country": "DE", "percent": "19", "valid_from": date(2019, 1, 1)}
    )
    assert rate.valid_from == date(2019, 1, 1)


def test_only_one_rate_is_the_default(db, make_rate):
    first = make_rate("DE", "19", is_default=True)
    second = make_rate("AT", "20", is_default=True)
    assert (first.is_default, second.is_default) == (False, True)


def test_rate_changes_are_audited(db, make_rate):
    make_rate("DE", "19")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "tax_rate.created"))
    assert entry.after["percent"] == "19.00"


def test_rate_is_chosen_by_country(make_rate):
    make_rate("DE", "19")
    make_rate("FR", "20")
    assert select_tax_rate(country="fr", on_date=D2026).percent == Decimal("20")


def test_rate_is_chosen_by_date_across_a_rate_change(make_rate):
    make_rate("DE", "19", valid_from=date(2007, 1, 1), valid_to=date(2020, 6, 30))
    make_rate("DE", "16", valid_from=date(2020, 7, 1), valid_to=date(2020, 12, 31))
    make_rate("DE", "19", valid_from=date(2021, 1, 1))
    assert select_tax_rate(country="DE", on_date=date(2020, 6, 30)).percent == Decimal("19")
    assert select_tax_rate(country="DE", on_date=date(2020, 7, 1)).percent == Decimal("16")
    assert select_tax_rate(country="DE", on_date=date(2021, 1, 1)).percent == Decimal("19")


def test_default_rate_applies_when_the_country_has_none(make_rate):
    make_rate("DE", "19", is_default=True)
    selection = select_tax_rate(country="US", on_date=D2026)
    assert (selection.rate.country, selection.percent) == ("DE", Decimal("19"))


def test_no_rate_at_all_is_a_clear_error(app):
    with pytest.raises(DomainError):
        select_tax_rate(country="DE", on_date=D2026)


def test_products_rate_applies_in_its_version_on_the_date(make_rate):
    old = make_rate(
        "DE", "7", name="VAT reduced", valid_from=date(2007, 1, 1), valid_to=date(2020, 6, 30)
    )
    make_rate(
        "DE", "5", name="VAT reduced", valid_from=date(2020, 7, 1), valid_to=date(2020, 12, 31)
    )
    make_rate("DE", "19")
    selection = select_tax_rate(country="DE", on_date=date(2020, 8, 1), rate_id=old.id)
    assert selection.percent == Decimal("5")


def test_products_rate_name_is_looked_up_in_the_customers_eu_country(make_rate):
    reduced = make_rate("DE", "7", name="VAT reduced")
    make_rate("FR", "5.5", name="VAT reduced")
    assert select_tax_rate(country="FR", on_date=D2026, rate_id=reduced.id).percent == Decimal(
        "5.5"
    )


def test_reverse_charge_for_eu_business_with_vat_id_in_another_country(make_rate):
    make_rate("DE", "19", is_default=True)
    make_rate("FR", "20")
    selection = select_tax_rate(
        country="FR", on_date=D2026, customer_vat_id="FR40303265045", customer_is_business=True
    )
    assert selection.reverse_charge is True
    assert selection.percent == Decimal("0")
    assert "Reverse charge" in selection.note and "2006/112/EC" in selection.note
    assert selection.label == "Reverse charge 0%"


@pytest.mark.parametrize(
    "country, vat_id, business",
    [
        ("DE", "DE811907980", True),
        ("FR", "", True),
        ("FR", "FR40303265045", False),
        ("US", "US-123", True),
    ],
)
def test_no_reverse_charge_at_home_for_consumers_without_vat_id_or_outside_eu(
    make_rate, country, vat_id, business
):
    make_rate("DE", "19", is_default=True)
    make_rate("FR", "20")
    selection = select_tax_rate(
        country=country, on_date=D2026, customer_vat_id=vat_id, customer_is_business=business
    )
    assert selection.reverse_charge is False
    assert selection.percent > 0


def test_reverse_charge_note_comes_from_the_settings(db, make_rate):
    make_rate("DE", "19", is_default=True)
    update_settings({"invoicing.reverse_charge_note": "Steuerschuldnerschaft des Empfängers."})
    selection = select_tax_rate(
        country="AT", on_date=D2026, customer_vat_id="ATU12345678", customer_is_business=True
    )
    assert selection.note == "Steuerschuldnerschaft des Empfängers."


def test_new_rate_from_a_date_keeps_the_old_rate_for_earlier_dates(db, make_rate):
    current = make_rate("DE", "19", valid_from=date(2021, 1, 1))
    new = supersede_tax_rate(current, percent="21", from_date=date(2027, 1, 1))
    db.session.commit()
    assert current.percent == Decimal("19") and current.valid_to == date(2026, 12, 31)
    assert select_tax_rate(country="DE", on_date=date(2026, 12, 31)).percent == Decimal("19")
    assert select_tax_rate(country="DE", on_date=date(2027, 1, 1)).rate.id == new.id


def test_new_rate_must_start_after_the_current_one(make_rate):
    current = make_rate("DE", "19", valid_from=date(2021, 1, 1))
    with pytest.raises(ValidationFailed):
        supersede_tax_rate(current, percent="21", from_date=date(2021, 1, 1))
