"""Helpdesk settings as the tickets see them: departments, calendars, SLA targets, tiers.

The values live in the settings service (`helpdesk.*`, edited on the settings
page); `helpdesk.sla` maps tier → priority → [first response, resolution] hours.
"""

from typing import Any

from sqlalchemy import case, select

from cloudmanager.extensions import db
from cloudmanager.settings.services import get_setting
from cloudmanager.tickets.sla import BusinessCalendar

DEFAULT_TIER = "standard"


def helpdesk_setting(key: str) -> Any:
    """A `helpdesk.*` setting (departments, hours, holidays, time zone, SLA table)."""
    return get_setting(key)


def departments() -> list[str]:
    """The departments tickets can be filed under."""
    return list(helpdesk_setting("helpdesk.departments"))


def calendar_for(department: str) -> BusinessCalendar:
    """The business hours and holidays the department's SLA clocks run on.

    Departments share one calendar today; a per-department calendar changes
    only this function.
    """
    return BusinessCalendar.from_settings(
        helpdesk_setting("helpdesk.business_hours"),
        helpdesk_setting("helpdesk.holidays"),
        helpdesk_setting("helpdesk.timezone") or "UTC",
    )


def sla_targets(tier: str, priority: str) -> tuple[int, int]:
    """(first response, resolution) targets in business minutes."""
    table = helpdesk_setting("helpdesk.sla")
    row = table.get(tier) or table.get(DEFAULT_TIER) or next(iter(table.values()))
    first, resolve = row.get(priority) or row.get("normal")
    return int(first) * 60, int(resolve) * 60


def support_tier_for(customer: Any) -> str:
    """The best support tier among the products of the customer's active services.

    Suspended, pending, cancelled and terminated services do not count; a
    customer without an active service that has a tier gets "standard".
    One query on the services' (customer_id, id) index.
    """
    from cloudmanager.orders.models import ACTIVE, Service
    from cloudmanager.products.models import SUPPORT_TIERS, Product

    if customer is None or customer.id is None:
        return DEFAULT_TIER
    rank = case({tier: n for n, tier in enumerate(SUPPORT_TIERS)}, value=Product.support_tier)
    best = db.session.scalar(
        select(Product.support_tier)
        .join(Service, Service.product_id == Product.id)
        .where(
            Service.customer_id == customer.id,
            Service.status == ACTIVE,
            Product.support_tier.in_(list(SUPPORT_TIERS)),
        )
        .order_by(rank.desc())
        .limit(1)
    )
    return best or DEFAULT_TIER
