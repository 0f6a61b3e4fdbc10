"""Order operations of the JSON API: list, get, create, change, accept, cancel, flag as fraud.

Orders are created pending (the API's "draft"); accepting one issues the
invoice and makes the services in one transaction, exactly as in the back
office (`orders.accept.accept_order`).
"""

from flask import url_for

from cloudmanager.api.listing import listing, sorted_page
from cloudmanager.api.registry import api_user, created, operation
from cloudmanager.api.schemas import ListResponse
from cloudmanager.api.schemas_orders import (
    FraudIn,
    OrderIn,
    OrderOut,
    OrderPatch,
    OrderQuery,
    ReasonIn,
)
from cloudmanager.extensions import db
from cloudmanager.orders.models import Order
from cloudmanager.orders.orders import cancel_order, create_order, mark_fraud, update_order
from cloudmanager.orders.queries import filtered_orders

ORDER_KEYS = {"created": (Order.id,)}


def find_order(order_id: int) -> Order:
    """The order, or a 404 problem."""
    return db.get_or_404(Order, order_id, description="There is no such order.")


def _rows(lines) -> list[dict]:
    """API lines as the rows the order services parse (the editor posts the same)."""
    return [line.model_dump() for line in lines]


@operation(
    "/orders",
    scope="orders:read",
    tag="Orders",
    summary="List orders",
    query=OrderQuery,
    response=ListResponse[OrderOut],
)
def list_orders_api(query: OrderQuery):
    """Orders by status, customer and creation day, newest first by default."""
    stmt = filtered_orders(
        status=query.status or "",
        customer_id=query.customer_id,
        created_from=query.created_from,
        created_to=query.created_to,
    )
    return listing(OrderOut, sorted_page(stmt, query, ORDER_KEYS))


@operation(
    "/orders",
    "POST",
    scope="orders:write",
    tag="Orders",
    summary="Create a pending order",
    body=OrderIn,
    response=OrderOut,
    status=201,
)
def create_order_api(body: OrderIn):
    """A pending order at catalog prices (overrides need `orders.override_price`)."""
    data = {"customer_id": body.customer_id, "lines": _rows(body.lines), "notes": body.notes}
    order = create_order(data, by=api_user())
    db.session.flush()
    return created(OrderOut.of(order), url_for("api_v1.get_order_api", order_id=order.id))


@operation(
    "/orders/<int:order_id>",
    scope="orders:read",
    tag="Orders",
    summary="Get an order",
    response=OrderOut,
)
def get_order_api(order_id: int):
    """One order with its lines and totals."""
    return OrderOut.of(find_order(order_id))


@operation(
    "/orders/<int:order_id>",
    "PATCH",
    scope="orders:write",
    tag="Orders",
    summary="Change a pending order",
    body=OrderPatch,
    response=OrderOut,
)
def update_order_api(order_id: int, body: OrderPatch):
    """Replace the lines and/or notes of a pending order; a decided order is a 409."""
    from cloudmanager.orders.views import order_line_rows

    order = find_order(order_id)
    lines = _rows(body.lines) if body.lines is not None else order_line_rows(order)
    notes = body.notes if body.notes is not None else order.notes
    update_order(order, {"lines": lines, "notes": notes}, by=api_user())
    db.session.flush()
    return OrderOut.of(order)


@operation(
    "/orders/<int:order_id>/accept",
    "POST",
    scope="orders:write",
    permission="orders.decide",
    tag="Orders",
    summary="Accept an order",
    response=OrderOut,
)
def accept_order_api(order_id: int):
    """Issue the invoice, create the services and move stock, all or nothing."""
    from cloudmanager.orders.accept import accept_order

    order = accept_order(find_order(order_id), by=api_user())
    db.session.flush()
    return OrderOut.of(order)


@operation(
    "/orders/<int:order_id>/cancel",
    "POST",
    scope="orders:write",
    permission="orders.decide",
    tag="Orders",
    summary="Cancel a pending order",
    body=ReasonIn,
    response=OrderOut,
)
def cancel_order_api(order_id: int, body: ReasonIn):
    """Cancel a pending order (nothing was invoiced yet)."""
    order = cancel_order(find_order(order_id), body.reason, by=api_user())
    db.session.flush()
    return OrderOut.of(order)


@operation(
    "/orders/<int:order_id>/fraud",
    "POST",
    scope="orders:write",
    permission="orders.decide",
    tag="Orders",
    summary="Flag a pending order as fraud",
    body=FraudIn,
    response=OrderOut,
)
def fraud_order_api(order_id: int, body: FraudIn):
    """Flag a pending order as fraudulent, with the reason."""
    order = mark_fraud(find_order(order_id), body.reason, by=api_user())
    db.session.flush()
    return OrderOut.of(order)
