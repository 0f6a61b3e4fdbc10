"""Orders and services over the API: accept, cancel and lifecycle run the back office's services."""

import pytest
from sqlalchemy import select

from cloudmanager.invoices.models import Invoice
from tests.api.conftest import CUSTOMER


@pytest.fixture
def customer(api):
    """A German customer made over the API."""
    return api.post("/customers", CUSTOMER).json


@pytest.fixture
def order(api_as, customer, server):
    """A pending order for one monthly Cloud Server M, placed by an agent."""
    response = api_as("agent").post(
        "/orders",
        {"customer_id": customer["id"], "lines": [{"product_id": server.id, "cycle": "monthly"}]},
    )
    assert response.status_code == 201, response.json
    return response.json


def test_an_agent_places_an_order_at_catalog_prices(order):
    assert order["status"] == "pending" and order["number"].startswith("ORD-")
    assert order["net_total"] == "10.00" and order["gross_total"] == "11.90"
    (line,) = order["lines"]
    assert line["unit_price"] == "10.0000" and not line["price_overridden"]


def test_only_roles_with_the_override_permission_change_prices(api_as, customer, server):
    body = {
        "customer_id": customer["id"],
        "lines": [{"product_id": server.id, "cycle": "monthly", "unit_price": "5.00"}],
    }
    agent = api_as("agent").post("/orders", body)
    assert agent.status_code == 422 and agent.json["errors"][0]["field"] == "lines-0-unit_price"
    manager = api_as("manager").post("/orders", body)
    assert manager.status_code == 201 and manager.json["lines"][0]["price_overridden"]


def test_accepting_issues_the_invoice_and_makes_the_service(api_as, order, db, subscribe, receiver):
    subscribe("order.accepted", "invoice.issued")
    manager = api_as("manager")
    accepted = manager.post(f"/orders/{order['id']}/accept")
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    invoice = db.session.get(Invoice, accepted.json["invoice_id"])
    assert invoice.number and invoice.gross_total == order_total(order)
    services = manager.get("/services", query_string={"order_id": order["id"]}).json["data"]
    assert [s["status"] for s in services] == ["pending"]
    assert sorted(e["event"] for e in receiver.events()) == ["invoice.issued", "order.accepted"]
    again = manager.post(f"/orders/{order['id']}/accept")
    assert again.status_code == 409 and again.mimetype == "application/problem+json"


def order_total(order):
    """The order's gross total as a Decimal."""
    from decimal import Decimal

    return Decimal(order["gross_total"])


def test_pending_orders_change_and_decided_ones_do_not(api_as, order, server):
    manager = api_as("manager")
    changed = manager.patch(
        f"/orders/{order['id']}", {"lines": [{"product_id": server.id, "quantity": 2}]}
    )
    assert changed.status_code == 200 and changed.json["net_total"] == "20.00"
    assert (
        manager.patch(f"/orders/{order['id']}", {"notes": "call first"}).json["lines"][0][
            "quantity"
        ]
        == 2
    )
    cancelled = manager.post(f"/orders/{order['id']}/cancel", {"reason": "customer asked"})
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["status_reason"] == "customer asked"
    assert manager.patch(f"/orders/{order['id']}", {"notes": "x"}).status_code == 409


def test_fraud_needs_a_reason(api_as, order):
    manager = api_as("manager")
    assert manager.post(f"/orders/{order['id']}/fraud", {"reason": " "}).status_code == 422
    assert (
        manager.post(f"/orders/{order['id']}/fraud", {"reason": "stolen card"}).json["status"]
        == "fraud"
    )


def test_orders_are_filtered_by_status_and_customer(api_as, order, customer):
    manager = api_as("manager")
    assert [
        o["id"] for o in manager.get("/orders", query_string={"status": "pending"}).json["data"]
    ] == [order["id"]]
    assert manager.get("/orders", query_string={"status": "accepted"}).json["data"] == []
    mine = manager.get("/orders", query_string={"customer_id": customer["id"]}).json["data"]
    assert [o["id"] for o in mine] == [order["id"]]


@pytest.fixture
def service(api_as, order):
    """The active service of the accepted order."""
    from cloudmanager.orders.lifecycle import activate_service
    from cloudmanager.orders.models import Service
    from cloudmanager.extensions import db

    api_as("manager").post(f"/orders/{order['id']}/accept")
    row = db.session.scalar(select(Service))
    activate_service(row)
    db.session.commit()
    return row


def test_suspend_unsuspend_and_cancel_a_service(api_as, service, subscribe, receiver):
    subscribe("service.suspended", "service.activated", "service.cancelled")
    manager = api_as("manager")
    path = f"/services/{service.id}"
    assert manager.post(path + "/suspend", {"note": ""}).status_code == 422  # a reason is needed
    suspended = manager.post(path + "/suspend", {"note": "abuse report"})
    assert suspended.status_code == 200 and suspended.json["status"] == "suspended"
    assert manager.post(path + "/suspend", {"note": "again"}).status_code == 409
    assert manager.post(path + "/unsuspend", {}).json["status"] == "active"
    ending = manager.post(path + "/cancel", {"at_period_end": True})
    assert ending.json["status"] == "active" and ending.json["cancel_at_period_end"]
    assert manager.post(path + "/cancel", {}).json["status"] == "cancelled"
    assert [e["event"] for e in receiver.events()] == [
        "service.suspended",
        "service.activated",
        "service.cancelled",
    ]
    assert receiver.events()[0]["data"]["id"] == service.id


def test_agents_see_services_but_do_not_manage_them(api_as, service):
    agent = api_as("agent")
    assert agent.get(f"/services/{service.id}").json["status"] == "active"
    refused = agent.post(f"/services/{service.id}/suspend", {"note": "x"})
    assert refused.status_code == 403 and "services.manage" in refused.json["detail"]
