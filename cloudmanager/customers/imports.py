"""CSV import of customers and contacts: upload, map columns, preview, validate in bulk.

Validation runs without a query per row: emails already in the database are
fetched in chunks of 500 up front. The insert itself happens in `jobs.py`, in
one transaction.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from flask import current_app
from sqlalchemy import select

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.customers.contacts import clean_contact
from cloudmanager.customers.models import Customer, ImportBatch
from cloudmanager.customers.services import ALL_FIELDS, clean_fields
from cloudmanager.customers.uploads import read_private_file, save_private_file
from cloudmanager.extensions import db

CONTACT_TARGETS = ("contact_name", "contact_email", "contact_phone", "contact_job_title")
TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("Name", ("name", "company", "company name", "customer", "customer name")),
    "email": ("Email", ("email", "e-mail", "mail", "email address")),
    "kind": ("Kind (company/individual)", ("kind", "type", "customer type")),
    "phone": ("Phone", ("phone", "telephone", "tel", "phone number", "mobile")),
    "website": ("Website", ("website", "web", "url", "homepage")),
    "vat_id": ("VAT id", ("vat", "vat id", "vat_id", "vat number", "tax id", "ust-idnr")),
    "address_line1": ("Address line 1", ("address", "address line 1", "street", "address1")),
    "address_line2": ("Address line 2", ("address line 2", "address2")),
    "city": ("City", ("city", "town")),
    "postcode": ("Postcode", ("postcode", "zip", "postal code", "zip code", "plz")),
    "country": ("Country (ISO code)", ("country", "country code", "iso country")),
    "currency": ("Currency", ("currency",)),
    "payment_terms_days": (
        "Payment terms (days)",
        ("payment terms", "payment_terms_days", "terms"),
    ),
    "tags": ("Tags (comma-separated)", ("tags", "labels")),
    "notes": ("Notes", ("notes", "comment", "comments")),
    "contact_name": ("Contact name", ("contact", "contact name", "contact person")),
    "contact_email": ("Contact email", ("contact email", "contact e-mail")),
    "contact_phone": ("Contact phone", ("contact phone", "contact mobile")),
    "contact_job_title": ("Contact job title", ("job title", "contact job title", "position")),
}
REQUIRED_TARGETS = ("name", "email", "country")
PREVIEW_ROWS = 20
EMAIL_CHUNK = 500


@dataclass
class RowResult:
    """A validated CSV line: the clean values, or the errors by field."""

    line: int
    raw: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    contact: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as spreadsheets export it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an uploaded CSV (delimiter sniffed among , ; tab)."""
    text = decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return [], []
    return [cell.strip() for cell in rows[0]], rows[1:]


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """Target field → column index, guessed from header names."""
    normalized = [" ".join(h.lower().replace("_", " ").split()) for h in headers]
    mapping: dict[str, int | None] = {}
    used: set[int] = set()
    for target, (_label, aliases) in TARGETS.items():
        names = {" ".join(alias.replace("_", " ").split()) for alias in aliases}
        index = next((i for i, h in enumerate(normalized) if h in names and i not in used), None)
        mapping[target] = index
        if index is not None:
            used.add(index)
    return mapping


def upload_import(filename: str, data: bytes, *, by: Any) -> ImportBatch:
    """Check and store an uploaded CSV and open an import batch with a guessed mapping."""
    if not filename.lower().endswith(".csv"):
        raise ValidationFailed({"file": "Upload a .csv file."})
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise ValidationFailed({"file": "The file is too large."})
    if b"\x00" in data[:4096]:
        raise ValidationFailed({"file": "This is not a text CSV file."})
    headers, rows = parse_csv(data)
    if not headers or not rows:
        raise ValidationFailed({"file": "The file has no header row or no data rows."})
    batch = ImportBatch(
        filename=filename[-255:],
        file_key=save_private_file(data),
        mapping=guess_mapping(headers),
        total=len(rows),
        status="uploaded",
        created_by_id=getattr(by, "id", None),
    )
    db.session.add(batch)
    return batch


def batch_rows(batch: ImportBatch) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the batch's stored file."""
    return parse_csv(read_private_file(batch.file_key))


def set_mapping(batch: ImportBatch, form: dict[str, Any], headers: list[str]) -> None:
    """Store the chosen column per target field (name, email and country are required)."""
    mapping: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for target in TARGETS:
        raw = str(form.get(f"map_{target}", "") or "")
        mapping[target] = int(raw) if raw.isdigit() and int(raw) < len(headers) else None
    for target in REQUIRED_TARGETS:
        if mapping[target] is None:
            errors[f"map_{target}"] = "Choose the column that holds this field."
    if errors:
        raise ValidationFailed(errors)
    batch.mapping = mapping


def row_data(row: list[str], mapping: dict[str, int | None]) -> dict[str, str]:
    """The cells of `row` by target field."""
    return {
        target: row[index].strip() if index is not None and index < len(row) else ""
        for target, index in mapping.items()
    }


def existing_emails(emails: Iterable[str]) -> set[str]:
    """Which of `emails` customers already use (one query per 500 emails)."""
    pending = sorted(set(emails))
    taken: set[str] = set()
    for start in range(0, len(pending), EMAIL_CHUNK):
        chunk = pending[start : start + EMAIL_CHUNK]
        taken.update(db.session.scalars(select(Customer.email).where(Customer.email.in_(chunk))))
    return taken


def validate_rows(
    rows: list[list[str]],
    mapping: dict[str, int | None],
    *,
    first_line: int = 2,
    progress: Callable[[int], None] | None = None,
    every: int = 500,
) -> list[RowResult]:
    """Validate every row; duplicate emails (in the file or database) are errors."""
    results: list[RowResult] = []
    for offset, row in enumerate(rows):
        data = row_data(row, mapping)
        values, errors = clean_fields(data, ALL_FIELDS)
        result = RowResult(line=first_line + offset, raw=row, values=values, errors=errors)
        if any(data.get(target) for target in CONTACT_TARGETS):
            contact = {key.removeprefix("contact_"): data.get(key) for key in CONTACT_TARGETS}
            try:
                result.contact = clean_contact(contact, country=values.get("country"))
            except ValidationFailed as exc:
                errors.update({f"contact_{key}": msg for key, msg in exc.errors.items()})
        results.append(result)
        if progress and (offset + 1) % every == 0:
            progress(offset + 1)
    taken = existing_emails(r.values["email"] for r in results if "email" in r.values)
    seen: set[str] = set()
    for result in results:
        email = result.values.get("email")
        if email in taken:
            result.errors["email"] = "A customer with this email already exists."
        elif email in seen:
            result.errors["email"] = "This email appears more than once in the file."
        if email:
            seen.add(email)
    return results


def preview(batch: ImportBatch, limit: int = PREVIEW_ROWS) -> tuple[list[str], list[RowResult]]:
    """The header and the first `limit` rows, validated."""
    headers, rows = batch_rows(batch)
    return headers, validate_rows(rows[:limit], batch.mapping or {})


def queue_import(batch: ImportBatch, *, by: Any) -> None:
    """Start the background import of the batch's valid rows."""
    from cloudmanager.infra.queue import enqueue

    if batch.status != "uploaded":
        raise ValidationFailed({"batch": "This import has already been started."})
    batch.status = "queued"
    batch.processed = batch.imported = batch.rejected = 0
    audit("customer_import.started", batch, after={"filename": batch.filename}, actor=by)
    enqueue("cloudmanager.customers.jobs.run_import", batch.id, timeout=3600)


def error_report_csv(results: list[RowResult], headers: list[str]) -> str:
    """The rejected rows as CSV: line number, reasons, then the original cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["line", "errors", *headers])
    for result in results:
        if result.errors:
            reasons = "; ".join(f"{key}: {msg}" for key, msg in sorted(result.errors.items()))
            writer.writerow([result.line, reasons, *result.raw])
    return buffer.getvalue()
