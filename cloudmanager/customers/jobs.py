"""Background jobs of the customers module: the CSV import.

`run_import` first validates every row, committing progress every 500 rows
(no customer written yet), then inserts all valid rows, their tags, contacts,
audit entries and `customer.created` webhook deliveries in ONE transaction
together with the final batch status.
A crash during the insert rolls it all back: nothing is half-imported.
A large import then compacts the search index, as the daily job does.
"""

import logging
from types import SimpleNamespace
from typing import Iterator

from sqlalchemy import insert

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.audit import json_safe
from cloudmanager.core.timeutil import utcnow
from cloudmanager.customers import search_index
from cloudmanager.customers.events import customer_data
from cloudmanager.customers.imports import RowResult, batch_rows, error_report_csv, validate_rows
from cloudmanager.customers.models import Contact, Customer, CustomerTag, ImportBatch
from cloudmanager.customers.services import reserve_numbers
from cloudmanager.infra.storage import delete_stored
from cloudmanager.extensions import db
from cloudmanager.webhooks.services import emit_events

log = logging.getLogger(__name__)
INSERT_CHUNK = 1000
# From this many imported customers on, the import compacts the search index itself.
COMPACT_AFTER = 1000


def run_import(batch_id: int) -> None:
    """Import the valid rows of batch `batch_id` (idempotent: runs once per batch)."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != "queued":
        return
    batch.status = "running"
    db.session.commit()
    try:
        headers, rows = batch_rows(batch)
        batch.total = len(rows)
        db.session.commit()

        def report(done: int) -> None:
            batch.processed = done
            db.session.commit()

        results = validate_rows(rows, batch.mapping or {}, progress=report)
        valid = [result for result in results if not result.errors]
        insert_customers(valid, actor_id=batch.created_by_id, batch_id=batch.id)
        batch.processed = len(results)
        batch.imported = len(valid)
        batch.rejected = len(results) - len(valid)
        batch.error_report = error_report_csv(results, headers)
        batch.status = "done"
        batch.finished_at = utcnow()
        db.session.commit()  # the customers and the "done" status, together
        delete_stored(batch.file_key)  # the report keeps what is still needed
    except Exception as exc:
        db.session.rollback()
        log.exception("customer import %s failed", batch_id)
        batch = db.session.get(ImportBatch, batch_id)
        batch.status = "failed"
        batch.imported = 0
        batch.error_message = f"The import failed and nothing was imported: {exc}"[:2000]
        batch.finished_at = utcnow()
        db.session.commit()
        return
    if len(valid) >= COMPACT_AFTER:
        search_index.compact()


def _customer_row(result: RowResult, number: str, now) -> dict:
    values = {key: value for key, value in result.values.items() if key != "tags"}
    contact = result.contact or {}
    parts = [values["name"], number, values["email"], values.get("vat_id", "")]
    parts += [contact.get("name", ""), contact.get("email", "")]
    return {
        **values,
        "number": number,
        "status": "active",
        "search_text": " | ".join(p for p in parts if p).lower(),
        "created_at": now,
        "updated_at": now,
    }


def insert_customers(valid: list[RowResult], *, actor_id: int | None, batch_id: int) -> None:
    """Bulk-insert customers with their tags, primary contacts, audit entries and events.

    Each customer emits `customer.created` with the payload the customer service
    sends; the deliveries are written per chunk, and only for subscribed webhooks.
    """
    if not valid:
        return
    now = utcnow()
    numbers = reserve_numbers(len(valid))
    label = "system"
    if actor_id:
        from cloudmanager.auth.models import User

        user = db.session.get(User, actor_id)
        label = user.email if user else label
    for start in range(0, len(valid), INSERT_CHUNK):
        chunk = valid[start : start + INSERT_CHUNK]
        rows = [_customer_row(r, numbers[start + i], now) for i, r in enumerate(chunk)]
        new_ids = insert(Customer).returning(Customer.id, sort_by_parameter_order=True)
        ids = db.session.scalars(new_ids, rows).all()
        tags, contacts, audits = [], [], []
        for customer_id, result, row in zip(ids, chunk, rows):
            tags += [{"customer_id": customer_id, "tag": tag} for tag in result.values["tags"]]
            if result.contact:
                contacts.append(
                    {**result.contact, "customer_id": customer_id, "is_primary": True}
                    | {"portal_access": False, "created_at": now}
                )
            audits.append(
                {
                    "created_at": now,
                    "actor_id": actor_id,
                    "actor_label": label,
                    "action": "customer.imported",
                    "object_type": "customer",
                    "object_id": str(customer_id),
                    "summary": f"Imported from CSV (import #{batch_id})",
                    "after": json_safe({"number": row["number"], "email": row["email"]}),
                }
            )
        if tags:
            db.session.execute(insert(CustomerTag), tags)
        if contacts:
            db.session.execute(insert(Contact), contacts)
        db.session.execute(insert(AuditEntry), audits)
        emit_events("customer.created", _created_events(ids, rows))


def _created_events(ids: list[int], rows: list[dict]) -> Iterator[dict]:
    """The `customer.created` data of inserted rows, made only if a webhook reads them."""
    for customer_id, row in zip(ids, rows):
        yield {"customer": customer_data(SimpleNamespace(id=customer_id, **row))}
