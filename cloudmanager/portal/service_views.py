"""Portal services: the list, a service (period, invoices, history) and ending it with its period.

The history is told in the customer's words: staff notes (why a service was
suspended by hand, who did what) stay in the back office.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import flash, render_template, request, url_for
from sqlalchemy import select

from cloudmanager.core.errors import DomainError
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.pagination import clamp_page_size, keyset_page
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.orders import lifecycle
from cloudmanager.orders.models import (
    ACTIVE,
    PENDING,
    SERVICE_STATUSES,
    SUSPENDED,
    Service,
    ServiceBillingPeriod,
)
from cloudmanager.orders.periods import Period, period_containing
from cloudmanager.portal import bp, current_portal_user, scoping
from cloudmanager.portal.forms import CancelServiceForm
from cloudmanager.portal.panels import PortalPanel, register_panel

# What each kind of history line says to the customer; other kinds are not shown.
HISTORY = {
    "created": "Ordered",
    "activate": "Activated",
    "suspend": "Suspended",
    "unsuspend": "Resumed",
    "cancel": "Cancelled",
    "terminate": "Terminated",
    "cancel_requested": "Set to end with its billed period",
    "cancel_withdrawn": "Will continue: the end was withdrawn",
    "renewed": "Renewed",
    "changed": "Plan or quantity changed",
}
NOTES_SHOWN = {"created", "renewed"}  # notes the system wrote, never a person


@dataclass(frozen=True)
class HistoryLine:
    """One line of a service's history as the customer reads it."""

    at: datetime
    text: str
    invoice_id: int | None


def customer_history(service: Service) -> list[HistoryLine]:
    """The service's events the customer may read, newest first."""
    lines = []
    for event in service.events:
        text = HISTORY.get(event.kind)
        if text is None:
            continue
        if event.kind in NOTES_SHOWN and event.note:
            text = f"{text}: {event.note}"
        elif event.kind == "suspend" and event.note == "overdue":
            text = f"{text}: an invoice is overdue"
        lines.append(HistoryLine(event.created_at, text, event.invoice_id))
    return lines


def current_period(service: Service, on: date) -> Period | None:
    """The billing period the service is in today (None before it starts or once it ended)."""
    if service.status not in (ACTIVE, SUSPENDED, PENDING) or on < service.period_anchor:
        return None
    return period_containing(service.period_anchor, service.cycle, on)


def _active_services_panel(user) -> str:
    stmt = scoping.customer_services(user).where(Service.status.in_((ACTIVE, SUSPENDED)))
    page = keyset_page(stmt, [Service.next_due_date, Service.id], size=5)
    return render_template(
        "portal/_panel_services.html", page=page, currency=user.contact.customer.currency
    )


register_panel(PortalPanel("services", 30, render=_active_services_panel))


@bp.get("/services")
def services():
    """The customer's services, newest first, by status."""
    user = current_portal_user()
    status = request.args.get("status", "")
    stmt = scoping.customer_services(user)
    if status in SERVICE_STATUSES:
        stmt = stmt.where(Service.status == status)
    else:
        status = ""
    page = keyset_page(
        stmt,
        [Service.id],
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size")),
        descending=True,
    )
    return render_page(
        "portal/services.html",
        "portal/_service_rows.html",
        page=page,
        status_filter=status,
        params={"status": status} if status else {},
        currency=user.contact.customer.currency,
    )


def _service_page(service: Service, form: CancelServiceForm | None = None, status: int = 200):
    from cloudmanager.invoices.models import DRAFT, Invoice

    periods = db.session.execute(
        select(ServiceBillingPeriod, Invoice)
        .outerjoin(
            Invoice, (Invoice.id == ServiceBillingPeriod.invoice_id) & (Invoice.state != DRAFT)
        )
        .where(ServiceBillingPeriod.service_id == service.id)
        .order_by(ServiceBillingPeriod.period_start.desc())
        .limit(24)
    ).all()
    return render_page(
        "portal/service.html",
        service=service,
        periods=periods,
        current=current_period(service, utcnow().date()),
        billed_until=service.next_due_date - timedelta(days=1),
        history=customer_history(service),
        form=form or CancelServiceForm(formdata=None),
        currency=service.customer.currency,
        status=status,
    )


@bp.get("/services/<int:service_id>")
def service(service_id: int):
    """One service: price, current period, billed periods with invoices, history."""
    return _service_page(scoping.get_service(current_portal_user(), service_id))


@bp.post("/services/<int:service_id>/cancel")
def cancel_service(service_id: int):
    """Ask for the service to end with its paid period (the billing run ends it then)."""
    user = current_portal_user()
    found = scoping.get_service(user, service_id)
    form = CancelServiceForm()
    if not form.validate():
        return _service_page(found, form, status=422)
    reason = (form.reason.data or "").strip()
    note = "Requested on the customer portal" + (f": {reason}" if reason else "")
    try:
        lifecycle.cancel_service(found, by=user, at_period_end=True, note=note)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(f"{found.name} ends with its billed period; you can use it until then.", "success")
    return redirect_to(url_for("portal.service", service_id=service_id))


@bp.post("/services/<int:service_id>/keep")
def keep_service(service_id: int):
    """Withdraw the request to end the service."""
    user = current_portal_user()
    found = scoping.get_service(user, service_id)
    if CancelServiceForm().validate():
        try:
            lifecycle.undo_cancel_request(found, by=user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "warning")
        else:
            db.session.commit()
            flash(f"{found.name} continues as before.", "success")
    return redirect_to(url_for("portal.service", service_id=service_id))
