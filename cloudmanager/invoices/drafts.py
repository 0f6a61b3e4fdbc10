"""Draft invoices: create, edit (header and lines), preview totals, delete.

Line input comes as a list of dicts (`description`, `quantity`, `unit_price`,
`discount`, `tax_rate_id`, `product_id`); errors are keyed `lines-<i>-<field>`
so the editor shows each one next to its input. Only drafts can change.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, NotFound, ValidationFailed
from cloudmanager.core.money import ZERO
from cloudmanager.extensions import db
from cloudmanager.invoices.calculation import (
    AmountError,
    LineInput,
    Totals,
    compute_totals,
    line_net,
    parse_money,
    parse_quantity,
    parse_unit_price,
)
from cloudmanager.invoices.documents import plain_decimal
from cloudmanager.invoices.models import DRAFT, Invoice, InvoiceLine
from cloudmanager.invoices.status import today
from cloudmanager.invoices.taxes import TaxChoice, resolve_tax

MAX_LINES = 200
MAX_DESCRIPTION = 2000


@dataclass
class DraftLine:
    """A validated line, ready to store or preview."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax: TaxChoice
    product_id: int | None = None

    def as_input(self) -> LineInput:
        """The engine's view of this line."""
        return LineInput(
            self.quantity,
            self.unit_price,
            self.tax.percent,
            self.discount,
            reverse_charge=self.tax.reverse_charge,
        )


def _optional_id(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _product_id(row: dict[str, Any], key: str, errors: dict[str, str]) -> int | None:
    """The line's catalog product, which must exist (the editor and the API both send ids)."""
    from cloudmanager.products.models import Product

    product_id = _optional_id(row.get("product_id"))
    if product_id is not None and db.session.get(Product, product_id) is None:
        errors[key + "product_id"] = "Choose a product from the catalog."
    return product_id


def is_blank_row(row: dict[str, Any]) -> bool:
    """True for an editor row the user left empty (it is ignored)."""
    return not any(str(row.get(k) or "").strip() for k in ("description", "quantity", "unit_price"))


def parse_lines(rows: list[dict[str, Any]], customer: Any, on: date) -> list[DraftLine]:
    """Validate line input (blank rows are skipped); raises ValidationFailed with keyed errors."""
    errors: dict[str, str] = {}
    lines: list[DraftLine] = []
    rows = [row for row in rows if not is_blank_row(row)]
    if len(rows) > MAX_LINES:
        raise ValidationFailed({"lines": f"An invoice can have at most {MAX_LINES} lines."})
    for index, row in enumerate(rows):
        key = f"lines-{index}-"
        parsed: dict[str, Any] = {}
        description = str(row.get("description") or "").strip()
        if not description:
            errors[key + "description"] = "Describe what is billed."
        elif len(description) > MAX_DESCRIPTION:
            errors[key + "description"] = f"At most {MAX_DESCRIPTION} characters."
        for name, parser in (
            ("quantity", parse_quantity),
            ("unit_price", parse_unit_price),
            ("discount", lambda v: parse_money(v or "0", "discount")),
        ):
            try:
                parsed[name] = parser(row.get(name))
            except AmountError as exc:
                errors[key + name] = str(exc)
        if "discount" in parsed and "quantity" in parsed and "unit_price" in parsed:
            if parsed["discount"] > parsed["quantity"] * parsed["unit_price"]:
                errors[key + "discount"] = "The discount cannot exceed the line amount."
        product_id = _product_id(row, key, errors)
        try:
            tax = resolve_tax(customer, _optional_id(row.get("tax_rate_id")), on)
        except (NotFound, ValueError) as exc:
            errors[key + "tax_rate_id"] = getattr(exc, "message", str(exc))
            continue
        if not any(k.startswith(key) for k in errors):
            lines.append(
                DraftLine(
                    description,
                    parsed["quantity"],
                    parsed["unit_price"],
                    parsed["discount"],
                    tax,
                    product_id,
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return lines


def preview(lines: list[DraftLine]) -> Totals:
    """Totals and tax summary of validated lines (no database writes)."""
    return compute_totals([line.as_input() for line in lines])


def preview_rows(customer: Any, rows: list[dict[str, Any]]) -> tuple[Totals, dict[str, str]]:
    """Totals of the rows that are valid so far, and the errors of the others (for the editor)."""
    valid: list[DraftLine] = []
    errors: dict[str, str] = {}
    if customer is None:
        return preview([]), {"customer_id": "Choose a customer to see taxes and totals."}
    for index, row in enumerate(row for row in rows if not is_blank_row(row)):
        try:
            valid.extend(parse_lines([row], customer, today()))
        except ValidationFailed as failed:
            errors.update(
                {
                    key.replace("lines-0-", f"lines-{index}-", 1): msg
                    for key, msg in failed.errors.items()
                }
            )
    return preview(valid), errors


def _terms(value: Any) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or int(text) > 365:
        raise ValidationFailed({"payment_terms_days": "Enter a number of days between 0 and 365."})
    return int(text)


def _store_lines(invoice: Invoice, lines: list[DraftLine]) -> None:
    invoice.lines.clear()
    db.session.flush()
    for position, line in enumerate(lines):
        invoice.lines.append(
            InvoiceLine(
                position=position,
                product_id=line.product_id,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount=line.discount,
                tax_rate_id=line.tax.rate_id,
                tax_name=line.tax.name,
                tax_rate=line.tax.percent,
                reverse_charge=line.tax.reverse_charge,
                net=line_net(line.quantity, line.unit_price, line.discount),
            )
        )
    apply_totals(invoice, preview(lines))


def apply_totals(invoice: Invoice, totals: Totals) -> None:
    """Copy computed totals onto the invoice row."""
    invoice.net_total, invoice.tax_total, invoice.gross_total = (
        totals.net,
        totals.tax,
        totals.gross,
    )


def _summary(invoice: Invoice) -> dict[str, Any]:
    return {
        "customer_id": invoice.customer_id,
        "lines": len(invoice.lines),
        "net_total": invoice.net_total,
        "gross_total": invoice.gross_total,
        "payment_terms_days": invoice.payment_terms_days,
    }


def create_draft(customer: Any, data: dict[str, Any], *, by: Any) -> Invoice:
    """A new draft for `customer`: `data` has notes, payment_terms_days and lines."""
    from cloudmanager.settings.services import get_setting

    if customer is None:
        raise ValidationFailed({"customer_id": "Choose a customer."})
    if getattr(customer, "status", "active") != "active":
        raise ValidationFailed({"customer_id": "This customer is deactivated."})
    terms_input = data.get("payment_terms_days")
    if terms_input in (None, ""):
        terms_input = getattr(customer, "payment_terms_days", None)
    if terms_input is None:
        terms_input = get_setting("invoicing.payment_terms_days")
    terms = _terms(terms_input)
    lines = parse_lines(list(data.get("lines") or []), customer, today())
    invoice = Invoice(
        customer=customer,
        customer_id=customer.id,
        state=DRAFT,
        currency=getattr(customer, "currency", None) or get_setting("locale.currency"),
        payment_terms_days=terms,
        notes=str(data.get("notes") or "").strip(),
        created_by_id=getattr(by, "id", None),
    )
    db.session.add(invoice)
    _store_lines(invoice, lines)
    audit(
        "invoice.draft_created",
        invoice,
        after=_summary(invoice),
        summary=f"Draft created ({len(lines)} lines, {invoice.gross_total} {invoice.currency})",
        actor=by,
    )
    return invoice


def update_draft(invoice: Invoice, data: dict[str, Any], *, by: Any) -> Invoice:
    """Replace a draft's header fields and lines (issued invoices are refused)."""
    ensure_draft(invoice)
    before = _summary(invoice)
    terms = _terms(data.get("payment_terms_days", invoice.payment_terms_days))
    lines = parse_lines(list(data.get("lines") or []), invoice.customer, today())
    invoice.payment_terms_days = terms
    invoice.notes = str(data.get("notes") or "").strip()
    _store_lines(invoice, lines)
    audit(
        "invoice.draft_saved",
        invoice,
        before=before,
        after=_summary(invoice),
        summary=f"Draft saved ({len(lines)} lines, {invoice.gross_total} {invoice.currency})",
        actor=by,
    )
    return invoice


def delete_draft(invoice: Invoice, *, by: Any) -> None:
    """Delete a draft; issued and void invoices are kept forever."""
    ensure_draft(invoice)
    audit(
        "invoice.draft_deleted",
        invoice,
        before=_summary(invoice),
        summary="Draft deleted",
        actor=by,
    )
    db.session.delete(invoice)


def ensure_draft(invoice: Invoice) -> None:
    """Refuse to change anything but a draft."""
    if invoice.state != DRAFT:
        raise Conflict("Issued invoices cannot be changed; issue a credit note instead.")


def draft_rows(invoice: Invoice) -> list[dict[str, Any]]:
    """A draft's lines as editor rows (strings, as the form would post them)."""
    return [
        {
            "description": line.description,
            "quantity": plain_decimal(line.quantity),
            "unit_price": plain_decimal(line.unit_price, 2),
            "discount": plain_decimal(line.discount, 2) if line.discount != ZERO else "",
            "tax_rate_id": str(line.tax_rate_id or ""),
            "product_id": str(line.product_id or ""),
        }
        for line in invoice.lines
    ]
