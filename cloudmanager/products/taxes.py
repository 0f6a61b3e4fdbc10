"""Tax rates: validity ranges per country, the default rate, and selecting the rate to apply.

`select_tax_rate` is what invoices and orders call. It applies the EU
reverse charge for business customers with a VAT id in another EU country,
then the product's rate (the version valid on the date), then the country's
standard rate, then the default rate.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select

from cloudmanager.core.audit import audit, snapshot
from cloudmanager.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from cloudmanager.core.pagination import Page, keyset_page
from cloudmanager.extensions import db
from cloudmanager.products.models import TaxRate
from cloudmanager.products.validation import Errors, parse_percent

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
STANDARD_NAME = "VAT"
TAX_FIELDS = ("name", "country", "percent", "valid_from", "valid_to", "is_default")


@dataclass(frozen=True)
class TaxSelection:
    """The tax to apply: the rate row (if any), its percentage, and the reverse-charge note."""

    rate: TaxRate | None
    percent: Decimal
    reverse_charge: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        """The text printed next to the tax line of an invoice."""
        if self.reverse_charge:
            return "Reverse charge 0%"
        return self.rate.label if self.rate else f"{self.percent}%"


def get_tax_rate(rate_id: int) -> TaxRate:
    """The tax rate with this id, or NotFound."""
    rate = db.session.get(TaxRate, rate_id)
    if rate is None:
        raise NotFound("This tax rate does not exist.")
    return rate


def _version_on(name: str, country: str, on_date: date) -> TaxRate | None:
    """The row of the rate `name` in `country` valid on `on_date`."""
    return db.session.scalar(
        select(TaxRate)
        .where(TaxRate.name == name, TaxRate.country == country, TaxRate.valid_from <= on_date)
        .where((TaxRate.valid_to.is_(None)) | (TaxRate.valid_to >= on_date))
        .order_by(TaxRate.valid_from.desc())
        .limit(1)
    )


def default_tax_rate() -> TaxRate | None:
    """The rate marked as default (any of its versions)."""
    return db.session.scalar(select(TaxRate).where(TaxRate.is_default).limit(1))


def is_reverse_charge(country: str, customer_vat_id: str | None, is_business: bool) -> bool:
    """B2B inside the EU across a border, with the customer's VAT id: the customer pays VAT."""
    from cloudmanager.settings.services import get_setting

    own_country = (get_setting("company.country") or "").upper()
    return (
        is_business
        and bool((customer_vat_id or "").strip())
        and country in EU_COUNTRIES
        and own_country in EU_COUNTRIES
        and country != own_country
    )


def select_tax_rate(
    *,
    country: str,
    on_date: date,
    customer_vat_id: str | None = None,
    customer_is_business: bool = False,
    rate_id: int | None = None,
) -> TaxSelection:
    """The tax for a sale to a customer in `country` on `on_date` (see module docstring)."""
    from cloudmanager.settings.services import get_setting

    country = (country or "").strip().upper()
    rate = _base_rate(country, on_date, rate_id)
    if is_reverse_charge(country, customer_vat_id, customer_is_business):
        note = get_setting("invoicing.reverse_charge_note")
        return TaxSelection(rate=rate, percent=Decimal("0.00"), reverse_charge=True, note=note)
    if rate is None:
        raise DomainError(f"No tax rate applies in {country or 'this country'} on {on_date}.")
    return TaxSelection(rate=rate, percent=rate.percent)


def _base_rate(country: str, on_date: date, rate_id: int | None) -> TaxRate | None:
    """Product rate, else the country's standard "VAT", else the default (versions on date).

    A product's rate is named for its home country; selling to another EU
    country uses the rate of the same name there (EU one-stop-shop rules).
    """
    if rate_id is not None:
        chosen = get_tax_rate(rate_id)
        home = chosen.country == country or country not in EU_COUNTRIES
        version = _version_on(chosen.name, chosen.country if home else country, on_date)
        if version is not None:
            return version
    standard = _version_on(STANDARD_NAME, country, on_date)
    if standard is not None:
        return standard
    default = default_tax_rate()
    if default is None:
        return None
    return _version_on(default.name, default.country, on_date)


def _clean_rate(data: dict[str, Any], rate: TaxRate | None) -> dict[str, Any]:
    errors = Errors()
    clean: dict[str, Any] = {"name": (data.get("name") or "").strip()}
    if not clean["name"]:
        errors["name"] = "Enter a name, e.g. VAT or VAT reduced."
    country = (data.get("country") or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        errors["country"] = "Use a two-letter country code such as DE."
    clean["country"] = country
    clean["percent"] = errors.check("percent", parse_percent, data.get("percent", ""))
    clean["valid_from"] = data.get("valid_from")
    clean["valid_to"] = data.get("valid_to") or None
    if not isinstance(clean["valid_from"], date):
        errors["valid_from"] = "Enter the first day the rate applies."
    elif clean["valid_to"] is not None and clean["valid_to"] < clean["valid_from"]:
        errors["valid_to"] = "The end date is before the start date."
    clean["is_default"] = bool(data.get("is_default"))
    if not errors:
        overlap = _overlapping(clean, rate)
        if overlap is not None:
            until = overlap.valid_to.isoformat() if overlap.valid_to else "open end"
            errors["valid_from"] = (
                f"Overlaps {overlap.label} valid {overlap.valid_from.isoformat()} – {until}."
            )
    errors.raise_if_any()
    return clean


def _overlapping(clean: dict[str, Any], rate: TaxRate | None) -> TaxRate | None:
    """Another version of the same rate whose dates meet these ones."""
    far = date.max
    stmt = select(TaxRate).where(TaxRate.name == clean["name"], TaxRate.country == clean["country"])
    if rate is not None and rate.id is not None:
        stmt = stmt.where(TaxRate.id != rate.id)
    for other in db.session.scalars(stmt):
        if other.valid_from <= (clean["valid_to"] or far) and clean["valid_from"] <= (
            other.valid_to or far
        ):
            return other
    return None


def _make_only_default(rate: TaxRate) -> None:
    for other in db.session.scalars(select(TaxRate).where(TaxRate.is_default)):
        if other is not rate:
            other.is_default = False


def save_tax_rate(rate: TaxRate | None, data: dict[str, Any], *, by: Any = None) -> TaxRate:
    """Create or change a tax rate (validated, audited; one default at a time).

    The percentage of a rate already in effect cannot change: a new rate from
    a date (`supersede_tax_rate`) keeps what was charged before explainable.
    """
    clean = _clean_rate(data, rate)
    if rate is not None and rate.valid_from <= date.today() and clean["percent"] != rate.percent:
        raise ValidationFailed(
            {"percent": "This rate is already in effect: add a new rate from a date instead."}
        )
    before = snapshot(rate, TAX_FIELDS) if rate is not None else None
    rate = rate or TaxRate()
    for name, value in clean.items():
        setattr(rate, name, value)
    db.session.add(rate)
    if rate.is_default:
        _make_only_default(rate)
    db.session.flush()
    action = "tax_rate.updated" if before else "tax_rate.created"
    audit(
        action, rate, before=before, after=snapshot(rate, TAX_FIELDS), actor=by, summary=rate.label
    )
    return rate


def supersede_tax_rate(rate: TaxRate, *, percent: Any, from_date: date, by: Any = None) -> TaxRate:
    """A new percentage from `from_date`: the current row ends the day before."""
    if from_date <= rate.valid_from:
        raise ValidationFailed({"valid_from": "The new rate must start after the current one."})
    if rate.valid_to is not None and rate.valid_to < from_date:
        raise Conflict("This rate already ended; add a new rate instead.")
    old_end = rate.valid_to
    rate.valid_to = from_date - timedelta(days=1)
    db.session.flush()
    audit(
        "tax_rate.ended",
        rate,
        before={"valid_to": old_end},
        after={"valid_to": rate.valid_to},
        actor=by,
        summary=rate.label,
    )
    data = {
        "name": rate.name,
        "country": rate.country,
        "percent": percent,
        "valid_from": from_date,
        "valid_to": old_end,
        "is_default": rate.is_default,
    }
    return save_tax_rate(None, data, by=by)


def delete_tax_rate(rate: TaxRate, *, by: Any = None) -> None:
    """Delete a rate no product uses (invoices keep their own copy of rates)."""
    from cloudmanager.products.models import Product

    if db.session.scalar(select(Product.id).where(Product.tax_rate_id == rate.id).limit(1)):
        raise Conflict("Products use this rate; choose another rate for them first.")
    audit("tax_rate.deleted", rate, before=snapshot(rate, TAX_FIELDS), actor=by, summary=rate.label)
    db.session.delete(rate)


def filtered_tax_rates(*, country: str = "") -> Select:
    """SELECT tax rates, of one country when `country` is given (unordered, unpaged)."""
    stmt = select(TaxRate)
    if country:
        stmt = stmt.where(TaxRate.country == country.strip().upper())
    return stmt


def list_tax_rates(*, country: str = "", cursor: str | None = None, size: int = 50) -> Page:
    """One page of tax rates by country, name and start date."""
    return keyset_page(
        filtered_tax_rates(country=country),
        [TaxRate.country, TaxRate.name, TaxRate.valid_from, TaxRate.id],
        cursor=cursor,
        size=size,
    )


def tax_rate_choices(on_date: date | None = None) -> list[tuple[int, str]]:
    """(id, label) of rates valid on `on_date` (today by default) for product forms."""
    day = on_date or date.today()
    rows = db.session.scalars(select(TaxRate).order_by(TaxRate.country, TaxRate.name))
    return [(rate.id, rate.label) for rate in rows if rate.valid_on(day)]
