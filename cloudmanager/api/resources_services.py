"""Service operations of the JSON API: list, get, suspend, unsuspend, cancel.

The actions run the service lifecycle of the back office
(`orders.lifecycle`), which checks the allowed states, writes the history
and audit entries and emits `service.suspended` / `service.cancelled`.
"""

from cloudmanager.api.listing import listing, sorted_page
from cloudmanager.api.registry import api_user, operation
from cloudmanager.api.schemas import ListResponse
from cloudmanager.api.schemas_orders import CancelIn, NoteIn, ServiceOut, ServiceQuery, SuspendIn
from cloudmanager.extensions import db
from cloudmanager.orders import lifecycle
from cloudmanager.orders.models import Service
from cloudmanager.orders.queries import filtered_services

SERVICE_KEYS = {
    "created": (Service.id,),
    "next_due_date": (Service.next_due_date, Service.id),
}


def find_service(service_id: int) -> Service:
    """The service, or a 404 problem."""
    return db.get_or_404(Service, service_id, description="There is no such service.")


@operation(
    "/services",
    scope="orders:read",
    permission="services.view",
    tag="Services",
    summary="List services",
    query=ServiceQuery,
    response=ListResponse[ServiceOut],
)
def list_services_api(query: ServiceQuery):
    """Services by status, customer, product, next due date and order, newest first by default."""
    stmt = filtered_services(
        status=query.status or "",
        product_id=query.product_id,
        customer_id=query.customer_id,
        due_before=query.due_before,
        order_id=query.order_id,
    )
    return listing(ServiceOut, sorted_page(stmt, query, SERVICE_KEYS))


@operation(
    "/services/<int:service_id>",
    scope="orders:read",
    permission="services.view",
    tag="Services",
    summary="Get a service",
    response=ServiceOut,
)
def get_service_api(service_id: int):
    """One service with its billing state."""
    return ServiceOut.of(find_service(service_id))


@operation(
    "/services/<int:service_id>/suspend",
    "POST",
    scope="orders:write",
    permission="services.manage",
    tag="Services",
    summary="Suspend a service",
    body=SuspendIn,
    response=ServiceOut,
)
def suspend_service_api(service_id: int, body: SuspendIn):
    """Suspend an active service, with the reason (emits `service.suspended`)."""
    service = lifecycle.suspend_service(find_service(service_id), by=api_user(), note=body.note)
    return ServiceOut.of(service)


@operation(
    "/services/<int:service_id>/unsuspend",
    "POST",
    scope="orders:write",
    permission="services.manage",
    tag="Services",
    summary="Resume a suspended service",
    body=NoteIn,
    response=ServiceOut,
)
def unsuspend_service_api(service_id: int, body: NoteIn):
    """Bring a suspended service back to active (emits `service.activated`)."""
    service = lifecycle.unsuspend_service(find_service(service_id), by=api_user(), note=body.note)
    return ServiceOut.of(service)


@operation(
    "/services/<int:service_id>/cancel",
    "POST",
    scope="orders:write",
    permission="services.manage",
    tag="Services",
    summary="Cancel a service",
    body=CancelIn,
    response=ServiceOut,
)
def cancel_service_api(service_id: int, body: CancelIn):
    """Cancel now (emits `service.cancelled`), or at the end of the paid period."""
    service = lifecycle.cancel_service(
        find_service(service_id),
        by=api_user(),
        at_period_end=body.at_period_end,
        note=body.note,
    )
    return ServiceOut.of(service)
