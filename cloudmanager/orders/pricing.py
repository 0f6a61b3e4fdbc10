"""What an order line puts on the invoice, and the totals of an order with the customer's tax.

Both the order editor's preview and the acceptance use these, with the
invoices' calculation engine, so what staff see is what gets invoiced.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from cloudmanager.invoices.calculation import LineInput, Totals, compute_totals
from cloudmanager.invoices.taxes import resolve_tax


def invoice_rows(line: Any, *, period_label: str = "") -> list[dict[str, str]]:
    """The invoice editor rows one order line produces: the item (or first period), its setup fee."""
    description = line.description + (f", {period_label}" if period_label else "")
    tax_id = str(line.product.tax_rate_id or "")
    rows = [
        {
            "description": description,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "discount": str(line.discount),
            "tax_rate_id": tax_id,
            "product_id": str(line.product.id),
        }
    ]
    if line.setup_fee and line.setup_fee > 0:
        rows.append(
            {
                "description": f"Setup fee: {line.product.name}",
                "quantity": str(line.quantity),
                "unit_price": str(line.setup_fee),
                "discount": "0",
                "tax_rate_id": tax_id,
                "product_id": str(line.product.id),
            }
        )
    return rows


def order_totals(customer: Any, lines: list[Any], on: date) -> Totals:
    """What accepting the order would invoice today, with the customer's tax."""
    inputs = []
    for line in lines:
        tax = resolve_tax(customer, line.product.tax_rate_id, on)
        for row in invoice_rows(line):
            inputs.append(
                LineInput(
                    Decimal(row["quantity"]),
                    Decimal(row["unit_price"]),
                    tax.percent,
                    Decimal(row["discount"]),
                    reverse_charge=tax.reverse_charge,
                )
            )
    return compute_totals(inputs)
