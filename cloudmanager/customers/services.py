"""Customer services: create, edit, edit billing, deactivate, delete, notes and numbering.

Services validate, write and audit; they never commit (the caller commits once).
"""

from typing import Any, Callable

from sqlalchemy import func, select, update

from cloudmanager.core.audit import audit, changed_fields, snapshot
from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.customers.events import emit_customer_event
from cloudmanager.customers.models import (
    KINDS,
    Customer,
    CustomerCounter,
    CustomerNote,
    CustomerTag,
)
from cloudmanager.customers.validation import (
    FieldError,
    normalize_country,
    normalize_currency,
    normalize_email,
    normalize_payment_terms,
    normalize_phone,
    normalize_tags,
    normalize_vat_id,
    normalize_website,
)
from cloudmanager.extensions import db

GENERAL_FIELDS = ("kind", "name", "email", "phone", "website", "tags", "notes")
BILLING_FIELDS = (
    "vat_id",
    "address_line1",
    "address_line2",
    "city",
    "postcode",
    "country",
    "currency",
    "payment_terms_days",
)
ALL_FIELDS = GENERAL_FIELDS + BILLING_FIELDS
TEXT_LIMITS = {
    "name": 200,
    "address_line1": 200,
    "address_line2": 200,
    "city": 100,
    "postcode": 20,
    "notes": 10000,
}

# Other modules append checks: `fn(customer) -> str | None` ("3 invoices") when the
# customer has history that a delete would destroy.
HISTORY_CHECKS: list[Callable[[Customer], str | None]] = []


def register_history_check(check: Callable[[Customer], str | None]) -> None:
    """Let a module (invoices, orders, tickets…) veto deleting customers it knows."""
    if check not in HISTORY_CHECKS:
        HISTORY_CHECKS.append(check)


def history_reasons(customer: Customer) -> list[str]:
    """Why `customer` cannot be deleted (empty when it has no history)."""
    return [reason for check in HISTORY_CHECKS if (reason := check(customer))]


def customer_has_history(customer: Customer) -> bool:
    """True when another module holds records of this customer."""
    return bool(history_reasons(customer))


def default_currency() -> str:
    """The currency new customers get (setting `locale.currency`)."""
    from cloudmanager.settings.services import get_setting

    return get_setting("locale.currency")


def clean_fields(
    data: dict[str, Any], fields: tuple[str, ...], *, country: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalize `fields` of `data`; returns (values, errors by field). No queries."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def run(name: str, fn: Callable[[Any], Any]) -> None:
        try:
            values[name] = fn(data.get(name))
        except FieldError as exc:
            errors[name] = str(exc)

    if "country" in fields:
        run("country", normalize_country)
        country = values.get("country", country)
    for name in fields:
        if name == "country":
            continue
        if name == "kind":
            run("kind", _clean_kind)
        elif name == "email":
            run("email", normalize_email)
        elif name == "phone":
            run("phone", lambda v: normalize_phone(v, country))
        elif name == "vat_id":
            run("vat_id", lambda v: normalize_vat_id(v, country))
        elif name == "website":
            run("website", normalize_website)
        elif name == "tags":
            run("tags", normalize_tags)
        elif name == "currency":
            run("currency", lambda v: normalize_currency(v or default_currency()))
        elif name == "payment_terms_days":
            run(
                "payment_terms_days",
                lambda v: normalize_payment_terms(14 if v in (None, "") else v),
            )
        else:
            run(name, lambda v, n=name: _clean_text(v, n))
    return values, errors


def _clean_kind(value: Any) -> str:
    kind = (value or "company").strip()
    if kind not in KINDS:
        raise FieldError("Choose company or individual.")
    return kind


def _clean_text(value: Any, name: str) -> str:
    text = str(value or "").strip()
    if name == "name" and not text:
        raise FieldError("Enter a name.")
    if len(text) > TEXT_LIMITS.get(name, 200):
        raise FieldError(f"At most {TEXT_LIMITS.get(name, 200)} characters.")
    return text


def email_taken(email: str, *, exclude_id: int | None = None) -> bool:
    """True when another customer already uses `email` (case-insensitive)."""
    stmt = select(Customer.id).where(Customer.email == email.lower())
    if exclude_id is not None:
        stmt = stmt.where(Customer.id != exclude_id)
    return db.session.scalar(stmt.limit(1)) is not None


def reserve_numbers(count: int = 1) -> list[str]:
    """Take `count` customer numbers (C-000123) from the counter row.

    `UPDATE … RETURNING` locks the row until commit, so concurrent creators
    queue up instead of handing out the same number.
    """
    stmt = (
        update(CustomerCounter)
        .where(CustomerCounter.id == 1)
        .values(last_number=CustomerCounter.last_number + count)
        .returning(CustomerCounter.last_number)
    )
    last = db.session.execute(stmt, execution_options={"synchronize_session": False}).scalar()
    if last is None:
        start = db.session.scalar(select(func.count(Customer.id))) or 0
        db.session.add(CustomerCounter(id=1, last_number=start))
        db.session.flush()
        return reserve_numbers(count)
    return [format_number(n) for n in range(last - count + 1, last + 1)]


def format_number(value: int) -> str:
    """The readable customer number for counter value `value`."""
    return f"C-{value:06d}"


def build_search_text(customer: Customer) -> str:
    """The lower-cased text the live search matches (customer and contacts)."""
    parts = [customer.name, customer.number, customer.email, customer.vat_id]
    for contact in customer.contacts:
        parts.extend([contact.name, contact.email])
    return " | ".join(part for part in parts if part).lower()


def refresh_search_text(customer: Customer) -> None:
    """Recompute the search column after the customer or a contact changed."""
    customer.search_text = build_search_text(customer)


AUDITED = tuple(name for name in ALL_FIELDS) + ("status",)


def _set_tags(customer: Customer, tags: list[str]) -> None:
    current = {row.tag: row for row in customer.tag_rows}
    customer.tag_rows = [current.get(tag) or CustomerTag(tag=tag) for tag in tags]


def _apply(customer: Customer, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "tags":
            _set_tags(customer, value)
        else:
            setattr(customer, name, value)
    refresh_search_text(customer)


def create_customer(data: dict[str, Any], *, by: Any) -> Customer:
    """Create a customer from form or API input (number generated, audited)."""
    values, errors = clean_fields(data, ALL_FIELDS)
    if "email" in values and email_taken(values["email"]):
        errors["email"] = "Another customer already uses this email address."
    if errors:
        raise ValidationFailed(errors)
    customer = Customer(number=reserve_numbers(1)[0], status="active", contacts=[], tag_rows=[])
    _apply(customer, values)
    db.session.add(customer)
    audit("customer.created", customer, after=snapshot(customer, AUDITED), actor=by)
    emit_customer_event("customer.created", customer)
    return customer


def _update(customer: Customer, data: dict[str, Any], fields: tuple[str, ...], by: Any) -> dict:
    values, errors = clean_fields(data, fields, country=customer.country)
    if "email" in values and email_taken(values["email"], exclude_id=customer.id):
        errors["email"] = "Another customer already uses this email address."
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(customer, fields)
    _apply(customer, values)
    changes = changed_fields(before, snapshot(customer, fields))
    if changes:
        audit(
            "customer.updated",
            customer,
            before={key: old for key, (old, _new) in changes.items()},
            after={key: new for key, (_old, new) in changes.items()},
            summary="Changed " + ", ".join(changes),
            actor=by,
        )
        emit_customer_event("customer.updated", customer, changes)
    return changes


def update_customer(customer: Customer, data: dict[str, Any], *, by: Any) -> dict:
    """Edit every field (managers, admins); returns {field: [before, after]}."""
    return _update(customer, data, ALL_FIELDS, by)


def update_billing(customer: Customer, data: dict[str, Any], *, by: Any) -> dict:
    """Edit only the billing fields (accountants too)."""
    return _update(customer, data, BILLING_FIELDS, by)


def set_customer_status(customer: Customer, status: str, *, by: Any) -> None:
    """Deactivate or reactivate a customer (audited)."""
    if status not in ("active", "inactive"):
        raise ValidationFailed({"status": "Unknown status."})
    if customer.status == status:
        return
    action = "customer.deactivated" if status == "inactive" else "customer.reactivated"
    audit(action, customer, before={"status": customer.status}, after={"status": status}, actor=by)
    customer.status = status
    emit_customer_event("customer.updated", customer, ["status"])


def delete_customer(customer: Customer, *, by: Any) -> None:
    """Delete a customer that has no history; otherwise refuse (deactivate instead)."""
    reasons = history_reasons(customer)
    if reasons:
        raise Conflict(
            f"{customer.name} has history ({', '.join(reasons)}): deactivate instead of deleting."
        )
    audit("customer.deleted", customer, before=snapshot(customer, AUDITED), actor=by)
    db.session.delete(customer)


def add_note(customer: Customer, body: str, *, by: Any) -> CustomerNote:
    """Put a note on the customer's timeline (audited)."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": "Write something first."})
    if len(body) > 10000:
        raise ValidationFailed({"body": "At most 10,000 characters."})
    note = CustomerNote(
        customer_id=customer.id,
        body=body,
        author_id=getattr(by, "id", None),
        author_label=getattr(by, "name", "") or getattr(by, "email", ""),
    )
    db.session.add(note)
    audit("customer.note_added", customer, after={"body": body[:200]}, actor=by)
    return note
