"""Field rules for customers and contacts: email, phone (E.164), VAT id, country, currency.

Every function takes raw user input and returns the normalized value or raises
`FieldError` with a message meant to be shown next to the field. They touch no
database, so the CSV import can run them on 10,000 rows without a query each.
"""

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from cloudmanager.core.countries import EU_COUNTRIES, is_country

CURRENCIES = (
    "EUR USD GBP CHF SEK DKK NOK PLN CZK HUF RON BGN ISK CAD AUD NZD JPY CNY INR BRL ZAR"
).split()

# VAT number formats after the two-letter prefix (EU-27 + XI for Northern Ireland).
VAT_FORMATS: dict[str, str] = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"[1-9]\d{1,9}",
    "SE": r"\d{10}01",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
    "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
}
VAT_PATTERNS = {prefix: re.compile(rf"(?:{rx})") for prefix, rx in VAT_FORMATS.items()}
VAT_EXAMPLES = dict(
    (example[:2], example)
    for example in (
        "ATU12345678 BE0123456789 BG123456789 CY12345678X CZ12345678 DE123456789 DK12345678 "
        "EE123456789 EL123456789 ESX1234567X FI12345678 FRXX123456789 HR12345678901 HU12345678 "
        "IE1234567WA IT12345678901 LT123456789 LU12345678 LV12345678901 MT12345678 "
        "NL123456789B01 PL1234567890 PT123456789 RO1234567890 SE123456789001 SI12345678 "
        "SK1234567890 XI123456789"
    ).split()
)
OTHER_TAX_ID = re.compile(r"[A-Z0-9]{2,30}")
WEBSITE = re.compile(r"https?://[^\s/$.?#][^\s]*\.[^\s]{2,}", re.IGNORECASE)


class FieldError(ValueError):
    """A value broke a rule; the message is shown next to its field."""


def vat_prefix(country: str) -> str:
    """The VAT prefix of an ISO country (Greece is EL)."""
    return "EL" if country == "GR" else country


def normalize_email(value: str | None) -> str:
    """A syntactically valid email, lower-cased (uniqueness is case-insensitive)."""
    value = (value or "").strip()
    if not value:
        raise FieldError("Enter an email address.")
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldError(f"Enter a valid email address ({exc}).") from exc
    return result.normalized.lower()


def normalize_phone(value: str | None, country: str | None = None) -> str:
    """A phone number in E.164 (`+4930123456`); national numbers use `country`."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, (country or None) if not value.startswith("+") else None)
    except phonenumbers.NumberParseException as exc:
        raise FieldError(
            "Enter the phone number in international format, e.g. +49 30 1234567."
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise FieldError("This is not a valid phone number (international format: +49 30 1234567).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_country(value: str | None) -> str:
    """An ISO 3166-1 alpha-2 code in upper case."""
    code = (value or "").strip().upper()
    if not code:
        raise FieldError("Choose a country.")
    if not is_country(code):
        raise FieldError("Use a two-letter ISO 3166 country code, e.g. DE.")
    return code


def normalize_vat_id(value: str | None, country: str | None) -> str:
    """A VAT id checked against the format of its EU country; free-form elsewhere.

    A number typed without its prefix gets the prefix of the billing country.
    """
    raw = re.sub(r"[\s.\-/]", "", (value or "")).upper()
    if not raw:
        return ""
    prefix = raw[:2]
    if prefix not in VAT_PATTERNS and country in EU_COUNTRIES and raw[:1].isdigit():
        prefix, raw = vat_prefix(country), vat_prefix(country) + raw
    if prefix in VAT_PATTERNS:
        if not VAT_PATTERNS[prefix].fullmatch(raw[2:]):
            raise FieldError(
                f"This is not a valid {prefix} VAT id (expected like {VAT_EXAMPLES[prefix]})."
            )
        return raw
    if country in EU_COUNTRIES:
        raise FieldError(
            f"A VAT id in {country} starts with {vat_prefix(country)}, e.g. "
            f"{VAT_EXAMPLES[vat_prefix(country)]}."
        )
    if not OTHER_TAX_ID.fullmatch(raw):
        raise FieldError("Use letters and digits only (2 to 30 characters).")
    return raw


def normalize_website(value: str | None) -> str:
    """A URL with a scheme (https:// is added when missing)."""
    value = (value or "").strip()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    if not WEBSITE.fullmatch(value) or len(value) > 255:
        raise FieldError("Enter a web address like https://example.com.")
    return value


def normalize_currency(value: str | None) -> str:
    """A supported ISO 4217 currency code."""
    code = (value or "").strip().upper()
    if code not in CURRENCIES:
        raise FieldError("Choose a supported currency (" + ", ".join(CURRENCIES[:6]) + " …).")
    return code


def normalize_payment_terms(value) -> int:
    """Payment terms in days, 0 to 365."""
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        raise FieldError("Enter a number of days, e.g. 14.") from None
    if not 0 <= days <= 365:
        raise FieldError("Payment terms are between 0 and 365 days.")
    return days


def normalize_tags(value) -> list[str]:
    """Tags from a comma-separated string or a list: trimmed, lower-case, unique, sorted."""
    items = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    tags = sorted({re.sub(r"\s+", "-", str(tag).strip().lower()) for tag in items} - {""})
    for tag in tags:
        if len(tag) > 40:
            raise FieldError("A tag has at most 40 characters.")
    if len(tags) > 20:
        raise FieldError("At most 20 tags.")
    return tags
