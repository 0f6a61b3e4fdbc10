"""Canned responses: create and delete (audited)."""

from typing import Any

from sqlalchemy import select

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.extensions import db
from cloudmanager.tickets.helpdesk import departments
from cloudmanager.tickets.models import CannedResponse


def create_canned(data: dict[str, Any], *, by: Any) -> CannedResponse:
    """Add a canned response with a unique title."""
    title = (data.get("title") or "").strip()
    body = (data.get("body") or "").strip()
    department = data.get("department") or ""
    errors = {}
    if not title:
        errors["title"] = "Enter a title."
    elif db.session.scalar(select(CannedResponse.id).where(CannedResponse.title == title)):
        errors["title"] = "A canned response with this title exists."
    if not body:
        errors["body"] = "Enter the text."
    if department and department not in departments():
        errors["department"] = "Choose a department."
    if errors:
        raise ValidationFailed(errors)
    row = CannedResponse(title=title[:120], body=body, department=department)
    db.session.add(row)
    audit("canned_response.created", row, after={"title": row.title}, actor=by)
    return row


def delete_canned(row: CannedResponse, *, by: Any) -> None:
    """Remove a canned response."""
    audit("canned_response.deleted", row, before={"title": row.title}, actor=by)
    db.session.delete(row)
