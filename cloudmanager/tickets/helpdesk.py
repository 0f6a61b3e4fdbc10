"""Helpdesk settings as the tickets see them: departments, calendars, SLA targets, tiers.

The values live in the settings service (`helpdesk.*`, edited on the settings
page); `helpdesk.sla` maps tier → priority → [first response, resolution] hours.
A department may have its own hours, holidays, time zone and members
(`helpdesk.department_calendars`, `helpdesk.department_members`); what it
leaves empty comes from the helpdesk's calendar.
"""

from typing import Any

from sqlalchemy import ColumnElement, and_, case, select

from cloudmanager.auth.models import User
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
    """The business hours, holidays and time zone the department's SLA clocks run on.

    Each part the department does not set itself (no hours on any day, no
    holidays, no time zone) is the helpdesk's; a department that works through
    holidays has none.
    """
    own = helpdesk_setting("helpdesk.department_calendars").get(department) or {}
    hours = own.get("business_hours") or {}
    days_off = own.get("holidays") or helpdesk_setting("helpdesk.holidays")
    return BusinessCalendar.from_settings(
        hours if any(hours.values()) else helpdesk_setting("helpdesk.business_hours"),
        [] if own.get("works_holidays") else days_off,
        own.get("timezone") or helpdesk_setting("helpdesk.timezone") or "UTC",
    )


def works_tickets() -> ColumnElement[bool]:
    """The condition on `User` for active staff who work tickets (everyone but accountants)."""
    return and_(User.active.is_(True), User.role != "accountant")


def ticket_staff() -> list[User]:
    """Active staff who work tickets, by name."""
    return list(
        db.session.scalars(select(User).where(works_tickets()).order_by(User.name, User.id))
    )


def department_member_ids(department: str) -> list[int]:
    """The ids of the staff who belong to `department` (empty when nobody was chosen)."""
    return list(helpdesk_setting("helpdesk.department_members").get(department) or [])


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
