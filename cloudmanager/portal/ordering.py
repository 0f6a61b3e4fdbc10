"""Ordering from the portal catalog through the same order services staff use.

A customer picks one product of the portal catalog, a billing cycle and a
quantity, always at the list price (no override, no discount). The order is
created pending by `orders.orders.create_order`; staff accept it in the back
office. The order confirmation goes out at once through the orders' outbox
(its event key makes the one queued again at acceptance a no-op).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.portal import scoping


@dataclass
class OrderChoice:
    """What the order form holds: the product (if one of the catalog), cycle, quantity."""

    product: Any
    cycle: str
    quantity: str

    def row(self) -> dict[str, str]:
        """The order line as `create_order` takes it: list price, no discount."""
        return {
            "product_id": str(self.product.id) if self.product else "",
            "cycle": self.cycle,
            "quantity": self.quantity,
        }


def catalog(user: Any) -> list[Any]:
    """The products the customer can order, by group position and name."""
    from cloudmanager.products.models import Product, ProductGroup

    return list(
        db.session.scalars(
            scoping.catalog_products(user)
            .outerjoin(ProductGroup, ProductGroup.id == Product.group_id)
            .order_by(
                ProductGroup.id.is_(None),  # products without a group last, on both databases
                ProductGroup.position,
                ProductGroup.name,
                Product.name,
                Product.id,
            )
            .limit(200)
        ).unique()
    )


def catalog_product(user: Any, product_id: Any) -> Any:
    """The catalog product with this id (as text or int), or None."""
    from cloudmanager.products.models import Product

    text = str(product_id or "").strip()
    if not text.isdigit():
        return None
    return db.session.scalar(scoping.catalog_products(user).where(Product.id == int(text)))


def read_choice(user: Any, data: Any, *, fit_cycle: bool = False) -> OrderChoice:
    """The form's values; `fit_cycle` picks the product's first cycle when the chosen one
    is not offered (the form changing product as the customer types)."""
    product = catalog_product(user, data.get("product_id"))
    cycle = str(data.get("cycle") or "").strip()
    if product is None or not product.is_recurring:
        cycle = ""
    elif fit_cycle and cycle not in product.offered_cycles:
        cycle = product.offered_cycles[0] if product.offered_cycles else ""
    quantity = str(data.get("quantity") or "1").strip()[:6]
    return OrderChoice(product, cycle, quantity)


def form_errors(errors: dict[str, str]) -> dict[str, str]:
    """Order-service errors (`lines-0-cycle`) keyed by the portal form's fields; the others
    (`customer_id`, `lines`) match no field and are shown above the form."""
    return {key.removeprefix("lines-0-"): message for key, message in errors.items()}


def _check(user: Any, choice: OrderChoice) -> None:
    if choice.product is None:
        raise ValidationFailed({"product_id": "Choose a product from the catalog."})
    stock = choice.product.stock
    if stock is not None and choice.quantity.isdigit() and int(choice.quantity) > stock:
        left = f"Only {stock} left." if stock else "This product is out of stock."
        raise ValidationFailed({"quantity": left})


def preview(user: Any, choice: OrderChoice, on: date | None = None):
    """(totals with the customer's tax, errors by form field) of the choice; no writes."""
    from cloudmanager.orders.queries import preview_order

    rows = [choice.row()] if choice.product else []
    totals, errors = preview_order(user.contact.customer, rows, by=user, on=on or utcnow().date())
    return totals, form_errors(errors)


def place_order(user: Any, choice: OrderChoice) -> Any:
    """Create the pending order for the user's customer and queue its confirmation."""
    from cloudmanager.orders.notifications import queue_notification
    from cloudmanager.orders.orders import create_order

    _check(user, choice)
    try:
        order = create_order(
            {
                "customer_id": str(user.customer_id),
                "lines": [choice.row()],
                "notes": f"Placed on the customer portal by {user.name} <{user.email}>.",
            },
            by=user,
        )
    except ValidationFailed as exc:
        raise ValidationFailed(form_errors(exc.errors)) from exc
    queue_notification("order_confirmation", order.customer_id, order_id=order.id)
    return order


def order_services(order: Any) -> list[Any]:
    """The services an accepted order created."""
    from cloudmanager.orders.models import OrderLine, Service

    return list(
        db.session.scalars(
            select(Service)
            .join(OrderLine, OrderLine.id == Service.order_line_id)
            .where(OrderLine.order_id == order.id, Service.customer_id == order.customer_id)
            .order_by(Service.id)
        )
    )
