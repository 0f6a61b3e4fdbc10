"""Ticket attachments: checked by size and content, stored under generated names."""

import io
from typing import Any, Iterable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.extensions import db
from cloudmanager.infra import storage
from cloudmanager.tickets.models import TicketAttachment

MAX_FILES = 5
ALLOWED = storage.DOCUMENTS | {"text", "csv"}
NEW_FILES_KEY = "cloudmanager.ticket_files"


@event.listens_for(Session, "after_commit")
def _keep_new_files(session: Session) -> None:
    session.info.pop(NEW_FILES_KEY, None)


@event.listens_for(Session, "after_rollback")
def _remove_new_files(session: Session) -> None:
    """Files stored for a transaction that rolled back would belong to no row: delete them."""
    for key in session.info.pop(NEW_FILES_KEY, []):
        storage.delete_stored(key)


def _save(item: Any) -> storage.StoredFile:
    """Store a form upload (FileStorage) or a (filename, bytes) pair from an email."""
    if isinstance(item, tuple):
        name, data = item
        return storage.save_stream(io.BytesIO(data), name, allowed=ALLOWED)
    return storage.save_upload(item, allowed=ALLOWED)


def _present(items: Iterable[Any]) -> list[Any]:
    return [i for i in items or () if isinstance(i, tuple) or getattr(i, "filename", None)]


def store_attachments(ticket, message, items: Iterable[Any]) -> list[TicketAttachment]:
    """Store each file and attach it to `message`; ValidationFailed names the bad file."""
    items = _present(items)
    if len(items) > MAX_FILES:
        raise ValidationFailed({"attachments": f"Attach at most {MAX_FILES} files."})
    rows = []
    for item in items:
        try:
            stored = _save(item)
            db.session.info.setdefault(NEW_FILES_KEY, []).append(stored.key)
        except ValidationFailed as exc:
            name = item[0] if isinstance(item, tuple) else item.filename
            raise ValidationFailed(
                {"attachments": f"{storage.clean_original_name(name)}: {exc.errors['file']}"}
            ) from exc
        row = TicketAttachment(
            ticket_id=ticket.id,
            message=message,
            key=stored.key,
            filename=stored.original_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
        db.session.add(row)
        rows.append(row)
    return rows


def max_upload_label() -> str:
    """The per-file size limit, for help texts."""
    return f"{current_app.config['UPLOAD_MAX_BYTES'] // (1024 * 1024)} MB"


def send_attachment(attachment: TicketAttachment):
    """Download response: always as an attachment, with nosniff."""
    return storage.send_stored(attachment.key, attachment.filename, attachment.content_type)
