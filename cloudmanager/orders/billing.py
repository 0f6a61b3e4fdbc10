"""The billing run: renewal invoices, period-end cancellations, suspensions, reactivations.

Each service is handled in its own short transaction: lock the service row,
check it is still due, record its next period in `service_billing_periods`
(unique per service and period start), issue the renewal invoice, advance
the next due date, commit. A concurrent run waits for the lock and then finds
the period billed; a run that dies half-way leaves every committed service
done and the rest due, so the next run finishes the job. Nothing is billed
twice, because the database refuses a second row for the same period.
"""

import logging
from datetime import date, timedelta
from typing import Callable

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, DomainError
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.orders.lifecycle import record_event
from cloudmanager.orders.models import (
    ACTIVE,
    BillingRun,
    BillingRunItem,
    Service,
    ServiceBillingPeriod,
)
from cloudmanager.orders.periods import period

log = logging.getLogger(__name__)

MAX_CATCH_UP = 24  # periods one run bills per service (a long-stopped clock catches up)


class AlreadyBilled(Conflict):
    """The period was invoiced by someone else meanwhile."""


def horizon(on: date) -> date:
    """The last period start a run on `on` bills: `invoicing.renewal_days_before` ahead."""
    from cloudmanager.settings.services import get_setting

    return on + timedelta(days=int(get_setting("invoicing.renewal_days_before")))


def due_service_ids(until: date) -> list[int]:
    """Active services whose next period starts by `until` and that are not ending."""
    return list(
        db.session.scalars(
            select(Service.id)
            .where(
                Service.status == ACTIVE,
                Service.next_due_date <= until,
                Service.cancel_at_period_end.is_(False),
            )
            .order_by(Service.id)
        )
    )


def period_tag(service: Service, start: date, end: date) -> str:
    """The words that name one period of a service on every line that bills it.

    Renewal lines and plan-change lines carry it, so a later plan change finds
    the lines that billed a period (`change_documents.billed_lines`).
    """
    return f"{service.number}, {start:%d %b %Y} – {end:%d %b %Y}"


def renewal_rows(service: Service, start: date, end: date) -> list[dict[str, str]]:
    """The invoice editor row of one renewal period."""
    from cloudmanager.products.models import BILLING_CYCLES

    cycle = BILLING_CYCLES.get(service.cycle, service.cycle)
    return [
        {
            "description": f"{service.name} ({cycle}), {period_tag(service, start, end)}",
            "quantity": str(service.quantity),
            "unit_price": str(service.unit_price),
            "discount": str(service.discount),
            "tax_rate_id": str(service.tax_rate_id or ""),
            "product_id": str(service.product_id),
        }
    ]


def bill_next_period(service_id: int, *, on: date, until: date, run_id: int | None = None):
    """Invoice the service's next period if it starts by `until`; None when nothing is due."""
    from cloudmanager.invoices.drafts import create_draft
    from cloudmanager.invoices.issuing import issue_invoice

    # SKIP LOCKED: a service another run is billing right now is that run's business.
    service = db.session.execute(
        select(Service)
        .options(lazyload(Service.product))  # not needed here: saves a join and a query
        .where(Service.id == service_id)
        .with_for_update(of=Service, skip_locked=True)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if service is None or service.status != ACTIVE or service.cancel_at_period_end:
        return None
    if service.next_due_date > until:
        return None
    span = period(service.period_anchor, service.cycle, service.periods_billed)
    record = ServiceBillingPeriod(
        service_id=service.id,
        period_index=span.index,
        period_start=span.start,
        period_end=span.end,
        billing_run_id=run_id,
    )
    db.session.add(record)
    try:
        db.session.flush()  # the unique key speaks here; the caller rolls the service back
    except IntegrityError as exc:
        raise AlreadyBilled(f"{service.number} {span.start} is already invoiced.") from exc
    terms = max(service.customer.payment_terms_days, (span.start - on).days)
    invoice = create_draft(
        service.customer,
        {"lines": renewal_rows(service, span.start, span.end), "payment_terms_days": str(terms)},
        by=None,
    )
    issue_invoice(invoice, by=None, on=on)
    record.invoice_id = invoice.id
    invoice.renews_until = span.end  # for the run's catch-up loop (not a column)
    service.periods_billed = span.index + 1
    service.next_due_date = span.next_start
    record_event(service, "renewed", invoice_id=invoice.id, note=f"{span.start} – {span.end}")
    audit(
        "service.renewal_invoiced",
        service,
        after={"period_start": span.start, "period_end": span.end, "invoice_id": invoice.id},
        summary=f"{service.number} renewed until {span.end} on {invoice.number}",
    )
    return invoice


def record_item(run: BillingRun, service_id: int, outcome: str, **fields) -> None:
    """Note what the run did to one service."""
    run_id = run.__dict__.get("id") or run.id  # no reload of the run after each commit
    db.session.add(BillingRunItem(run_id=run_id, service_id=service_id, outcome=outcome, **fields))


def each_service(run: BillingRun, ids: list[int], step: Callable[[int], int]) -> int:
    """Run `step` per service in its own transaction; failures are recorded, not raised.

    `step` records its own run items and returns how many things it did.
    """
    done = 0
    for service_id in ids:
        try:
            done += step(service_id)
            db.session.commit()
        except Exception as exc:  # one bad service must not stop the run
            db.session.rollback()
            if isinstance(exc, AlreadyBilled):
                continue
            log.warning("billing run %s: service %s failed: %s", run.id, service_id, exc)
            message = exc.message if isinstance(exc, DomainError) else repr(exc)
            record_item(run, service_id, "failed", error=str(message)[:2000])
            run.failed += 1
            db.session.commit()
    return done


def _bill_all(run: BillingRun, on: date, until: date) -> int:
    run_id = run.id

    def step(service_id: int) -> int:
        count = 0
        for _ in range(MAX_CATCH_UP):
            invoice = bill_next_period(service_id, on=on, until=until, run_id=run_id)
            if invoice is None:
                break
            record_item(run, service_id, "invoiced", invoice_id=invoice.id)
            more = invoice.renews_until < until  # another period due: a catch-up
            db.session.commit()
            count += 1
            if not more:
                break
        return count

    return each_service(run, due_service_ids(until), step)


def run_billing(on: date | None = None, *, trigger: str = "schedule") -> BillingRun:
    """One billing run for `on` (default today): every step commits per service."""
    from cloudmanager.orders.suspensions import (
        activate_paid,
        cancel_ended,
        suspend_overdue,
        unsuspend_paid,
    )

    on = on or utcnow().date()
    run = BillingRun(run_date=on, trigger=trigger)
    db.session.add(run)
    db.session.commit()
    run.services_cancelled = cancel_ended(run, on)
    run.invoices_created = _bill_all(run, on, horizon(on))
    run.services_suspended = suspend_overdue(run, on)
    run.services_unsuspended = unsuspend_paid(run, on)
    activate_paid(run)
    run.finished_at = utcnow()
    audit(
        "billing.run_finished",
        object_type="billing_run",
        object_id=run.id,
        after={
            "date": on,
            "invoices": run.invoices_created,
            "suspended": run.services_suspended,
            "failed": run.failed,
        },
    )
    db.session.commit()
    return run


def oldest_overdue_invoice(service_id: int, *, grace_days: int = 0, on: date | None = None):
    """The service's oldest unpaid invoice due more than `grace_days` before `on`."""
    from cloudmanager.invoices.models import ISSUED, Invoice

    on = on or utcnow().date()
    return db.session.scalar(
        select(Invoice)
        .join(ServiceBillingPeriod, ServiceBillingPeriod.invoice_id == Invoice.id)
        .where(
            ServiceBillingPeriod.service_id == service_id,
            Invoice.state == ISSUED,
            Invoice.balance > 0,
            Invoice.due_date < on - timedelta(days=grace_days),
        )
        .order_by(Invoice.due_date)
        .limit(1)
    )


def overdue_clause(on: date, grace_days: int):
    """SQL: the service has an unpaid invoice due more than `grace_days` before `on`."""
    from cloudmanager.invoices.models import ISSUED, Invoice

    return exists().where(
        and_(
            ServiceBillingPeriod.service_id == Service.id,
            ServiceBillingPeriod.invoice_id == Invoice.id,
            Invoice.state == ISSUED,
            Invoice.balance > 0,
            Invoice.due_date < on - timedelta(days=grace_days),
        )
    )
