"""Product groups: the shelves of the catalog (audited)."""

from typing import Any

from sqlalchemy import select

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.extensions import db
from cloudmanager.products.models import ProductGroup


def list_groups() -> list[ProductGroup]:
    """Every product group, in shelf order."""
    return list(
        db.session.scalars(select(ProductGroup).order_by(ProductGroup.position, ProductGroup.name))
    )


def save_group(group: ProductGroup | None, data: dict[str, Any], *, by: Any = None):
    """Create or rename a product group (audited)."""
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationFailed({"name": "Enter a name."})
    clash = db.session.scalar(select(ProductGroup.id).where(ProductGroup.name == name))
    if clash is not None and (group is None or clash != group.id):
        raise ValidationFailed({"name": "A group with this name exists."})
    before = {"name": group.name, "description": group.description} if group else None
    group = group or ProductGroup()
    group.name = name
    group.description = (data.get("description") or "").strip()
    group.position = int(data.get("position") or 0)
    db.session.add(group)
    db.session.flush()
    audit(
        "product_group.saved",
        group,
        before=before,
        after={"name": group.name, "description": group.description},
        actor=by,
    )
    return group
