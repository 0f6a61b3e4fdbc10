"""What invoice and credit-note PDFs show: company, customer, lines, tax summary, payment details.

The structured payment reference is an ISO 11649 creditor reference (RF…)
built from the invoice number, which banks in the SEPA area carry through to
the statement; for EUR invoices an EPC ("GiroCode") QR code carries IBAN,
amount and that reference so the customer's banking app fills the transfer in.
"""

import base64
import io
import re
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from cloudmanager.extensions import db
from cloudmanager.invoices.breakdown import TaxBreakdown
from cloudmanager.invoices.calculation import (
    REVERSE_CHARGE_NOTE,
    LineInput,
    TaxGroup,
    Totals,
    compute_totals,
)
from cloudmanager.invoices.credit_models import CreditNote
from cloudmanager.invoices.models import DRAFT


def plain_decimal(value: Decimal | None, min_places: int = 0) -> str:
    """`12.5000` → `12.5` (or `12.50` with min_places=2); never exponent notation."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.ljust(min_places, "0")
    return f"{whole}.{fraction}" if fraction else whole


def creditor_reference(number: str) -> str:
    """The ISO 11649 reference of a document number: `RF` + 2 check digits + the number."""
    body = re.sub(r"[^0-9A-Z]", "", number.upper())[:21] or "0"
    digits = "".join(str(int(ch, 36)) for ch in body + "RF00")
    check = 98 - int(digits) % 97
    return f"RF{check:02d}{body}"


def is_valid_creditor_reference(reference: str) -> bool:
    """True when the RF reference's check digits are right (mod 97 = 1)."""
    text = reference.replace(" ", "").upper()
    if not re.fullmatch(r"RF\d{2}[0-9A-Z]{1,21}", text):
        return False
    rearranged = text[4:] + text[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def epc_qr_data_uri(company: dict[str, Any], amount: Decimal, reference: str) -> str | None:
    """An EPC069-12 QR code (PNG data URI) for a SEPA transfer, or None without an IBAN."""
    iban = (company.get("iban") or "").replace(" ", "")
    if not iban or amount <= 0 or amount > Decimal("999999999.99"):
        return None
    import qrcode

    payload = "\n".join(
        [
            "BCD",
            "002",
            "1",
            "SCT",
            (company.get("bic") or "").replace(" ", ""),
            (company.get("legal_name") or "")[:70],
            iban,
            f"EUR{amount:.2f}",
            "",
            reference,
            "",
        ]
    )
    # A fixed mask skips scoring all eight masks (three quarters of the QR's cost, ~8 ms
    # per PDF); every reader decodes any mask, the best one only eases poor scans.
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, mask_pattern=0
    )
    code.add_data(payload)
    code.make(fit=True)
    image = code.make_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def logo_data_uri() -> str | None:
    """The company logo inlined (PDFs fetch nothing but static files and data: URIs)."""
    from cloudmanager.settings.logo import CONTENT_TYPES, company_logo_path

    path = company_logo_path()
    if path is None:
        return None
    mimetype = CONTENT_TYPES.get(path.suffix.lstrip("."), "image/png")
    return f"data:{mimetype};base64," + base64.b64encode(path.read_bytes()).decode()


def company_details() -> dict[str, Any]:
    """The company block of every document, from the settings."""
    from cloudmanager.settings.services import get_setting, get_settings

    company = get_settings("company")
    company["reverse_charge_note"] = get_setting("invoicing.reverse_charge_note")
    return company


def document_totals(lines) -> Totals:
    """Compute totals and tax summary from lines (a draft's; issued documents: `stored_totals`)."""
    return compute_totals(
        [
            LineInput(x.quantity, x.unit_price, x.tax_rate, x.discount, x.reverse_charge)
            for x in lines
        ]
    )


def stored_totals(document) -> Totals:
    """The totals and VAT breakdown an invoice or credit note was issued with, as stored.

    Recomputing from the lines is not the same: a credit note's tax is held to
    what the invoice had left at each rate (`credit_notes._limit_tax`), and an
    issued invoice keeps its figures whatever the engine does later. A draft has
    no stored figures yet and is computed from its lines.
    """
    if isinstance(document, CreditNote):
        owner = TaxBreakdown.credit_note_id == document.id
    elif document.state == DRAFT:
        return document_totals(document.lines)
    else:
        owner = (TaxBreakdown.invoice_id == document.id) & TaxBreakdown.credit_note_id.is_(None)
    rows = db.session.scalars(select(TaxBreakdown).where(owner)).all()
    groups = sorted(
        (TaxGroup(row.rate, row.reverse_charge, row.taxable, row.tax) for row in rows),
        key=lambda group: (group.reverse_charge, group.rate),
    )
    if not groups:  # never expected (rows are written at issue and were backfilled)
        groups = list(document_totals(document.lines).tax_groups)
    reverse_charge = any(group.reverse_charge for group in groups)
    return Totals(
        line_nets=tuple(line.net for line in document.lines),
        tax_groups=tuple(groups),
        net=document.net_total,
        tax=document.tax_total,
        gross=document.gross_total,
        notes=(REVERSE_CHARGE_NOTE,) if reverse_charge else (),
    )


def invoice_context(invoice) -> dict[str, Any]:
    """Everything `templates/pdf/invoice.html` needs."""
    company = company_details()
    reference = creditor_reference(invoice.number or f"DRAFT{invoice.id}")
    payable = invoice.balance if invoice.state == "issued" else Decimal("0.00")
    qr = epc_qr_data_uri(company, payable, reference) if invoice.currency == "EUR" else None
    return {
        "invoice": invoice,
        "company": company,
        "company_name": company["legal_name"],
        "logo_url": logo_data_uri(),
        "totals": stored_totals(invoice),
        "payment_reference": reference,
        "payable": payable,
        "qr_code": qr,
        "title": "Invoice",
    }


def credit_note_context(note) -> dict[str, Any]:
    """Everything `templates/pdf/credit_note.html` needs."""
    company = company_details()
    return {
        "note": note,
        "invoice": note.invoice,
        "company": company,
        "company_name": company["legal_name"],
        "logo_url": logo_data_uri(),
        "totals": stored_totals(note),
        "title": "Credit note",
    }
