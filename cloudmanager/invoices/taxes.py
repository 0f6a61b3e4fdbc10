"""The tax of an invoice line, chosen by the catalog's rules and frozen onto the line.

A line names a tax rate (or none: the customer country's standard rate); the
catalog's `select_tax_rate` picks the version valid on the date and applies
the EU reverse charge for business customers. Drafts show today's answer;
issuing asks again for the issue date and freezes it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cloudmanager.core.errors import DomainError


@dataclass(frozen=True)
class TaxChoice:
    """What a line is taxed with: the rate row, its printed name and percent, reverse charge."""

    rate_id: int | None
    name: str
    percent: Decimal
    reverse_charge: bool = False


def resolve_tax(customer: Any, rate_id: int | None, on: date) -> TaxChoice:
    """The tax for a line sold to `customer` on `on`; ValueError when no rate applies."""
    from cloudmanager.products.taxes import select_tax_rate

    try:
        selection = select_tax_rate(
            country=customer.country,
            on_date=on,
            customer_vat_id=getattr(customer, "vat_id", ""),
            customer_is_business=getattr(customer, "kind", "company") == "company",
            rate_id=rate_id,
        )
    except DomainError as exc:
        raise ValueError(exc.message) from exc
    return TaxChoice(
        rate_id=selection.rate.id if selection.rate else rate_id,
        name=selection.label,
        percent=selection.percent,
        reverse_charge=selection.reverse_charge,
    )


def tax_choices(on: date) -> list[tuple[str, str]]:
    """(value, label) pairs for the editor's tax select: the country default, then every rate."""
    from cloudmanager.products.taxes import tax_rate_choices

    return [("", "Standard rate")] + [(str(i), label) for i, label in tax_rate_choices(on)]
