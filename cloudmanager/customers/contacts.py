"""Contact services: add, edit and remove the people of a customer (audited on the customer).

Contact changes are audited against their customer, so the customer's timeline
keeps them even after a contact is removed.
"""

from typing import Any

from cloudmanager.core.audit import audit, changed_fields, snapshot
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.customers.events import emit_customer_event
from cloudmanager.customers.models import Contact, Customer
from cloudmanager.customers.services import refresh_search_text
from cloudmanager.customers.validation import FieldError, normalize_email, normalize_phone
from cloudmanager.extensions import db

CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "job_title",
    "is_primary",
    "receives_invoices",
    "receives_sms",
)


def clean_contact(data: dict[str, Any], *, country: str | None) -> dict[str, Any]:
    """Validate contact input; raises ValidationFailed with errors by field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "name": str(data.get("name") or "").strip(),
        "job_title": str(data.get("job_title") or "").strip()[:100],
        "is_primary": bool(data.get("is_primary")),
        "receives_invoices": bool(data.get("receives_invoices")),
        "receives_sms": bool(data.get("receives_sms")),
    }
    if not values["name"]:
        errors["name"] = "Enter the contact's name."
    elif len(values["name"]) > 200:
        errors["name"] = "At most 200 characters."
    email = str(data.get("email") or "").strip()
    try:
        values["email"] = normalize_email(email) if email else ""
    except FieldError as exc:
        errors["email"] = str(exc)
    try:
        values["phone"] = normalize_phone(data.get("phone"), country)
    except FieldError as exc:
        errors["phone"] = str(exc)
    if values["receives_invoices"] and not values.get("email") and "email" not in errors:
        errors["email"] = "A contact who receives invoices needs an email address."
    if values["receives_sms"] and not values.get("phone") and "phone" not in errors:
        errors["phone"] = "A contact who receives SMS needs a mobile number."
    if errors:
        raise ValidationFailed(errors)
    return values


def _make_only_primary(customer: Customer, contact: Contact) -> None:
    for other in customer.contacts:
        if other is not contact:
            other.is_primary = False


def add_contact(customer: Customer, data: dict[str, Any], *, by: Any) -> Contact:
    """Add a contact; the first contact (or one marked primary) becomes the primary."""
    values = clean_contact(data, country=customer.country)
    if not any(c.is_primary for c in customer.contacts):
        values["is_primary"] = True
    contact = Contact(**values)
    customer.contacts.append(contact)
    if contact.is_primary:
        _make_only_primary(customer, contact)
    refresh_search_text(customer)
    db.session.flush()
    audit(
        "contact.added",
        customer,
        after={"contact_id": contact.id, **snapshot(contact, CONTACT_FIELDS)},
        summary=f"Contact {contact.name} added",
        actor=by,
    )
    emit_customer_event("customer.updated", customer, ["contacts"])
    return contact


def update_contact(contact: Contact, data: dict[str, Any], *, by: Any) -> dict:
    """Edit a contact; returns the changed fields as {field: [before, after]}."""
    customer = contact.customer
    values = clean_contact(data, country=customer.country)
    if contact.is_primary and not values["is_primary"]:
        values["is_primary"] = True  # the primary moves by marking another one primary
    before = snapshot(contact, CONTACT_FIELDS)
    for name, value in values.items():
        setattr(contact, name, value)
    if contact.is_primary:
        _make_only_primary(customer, contact)
    refresh_search_text(customer)
    changes = changed_fields(before, snapshot(contact, CONTACT_FIELDS))
    if changes:
        audit(
            "contact.updated",
            customer,
            before={"contact_id": contact.id, **{k: v[0] for k, v in changes.items()}},
            after={"contact_id": contact.id, **{k: v[1] for k, v in changes.items()}},
            summary=f"Contact {contact.name} changed: " + ", ".join(changes),
            actor=by,
        )
        emit_customer_event("customer.updated", customer, ["contacts"])
    return changes


def remove_contact(contact: Contact, *, by: Any) -> None:
    """Remove a contact; if it was the primary, the next one becomes primary."""
    customer = contact.customer
    audit(
        "contact.removed",
        customer,
        before={"contact_id": contact.id, **snapshot(contact, CONTACT_FIELDS)},
        summary=f"Contact {contact.name} removed",
        actor=by,
    )
    was_primary = contact.is_primary
    customer.contacts.remove(contact)
    if was_primary and customer.contacts:
        customer.contacts[0].is_primary = True
    refresh_search_text(customer)
    emit_customer_event("customer.updated", customer, ["contacts"])
