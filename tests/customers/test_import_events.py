"""CSV-imported customers emit `customer.created` like customers created one by one,
with the batch, and cheaply: one delivery row per subscribed webhook and customer."""

import pytest
from sqlalchemy import func, select

from cloudmanager.customers import jobs
from cloudmanager.customers.events import customer_data
from cloudmanager.customers.imports import upload_import, validate_rows
from cloudmanager.customers.models import Customer
from cloudmanager.webhooks.models import WebhookDelivery
from cloudmanager.webhooks.services import register_webhook
from tests.fixtures import webhooks

receiver, subscribe = webhooks.receiver, webhooks.subscribe  # fixtures: a real receiver
CSV = b"name,email,country\nAlpha,a@example.com,DE\nBad,not-an-email,DE\nBeta,b@example.com,AT\n"
MAPPING = {"name": 0, "email": 1, "country": 2}


def _run(db, users, data=CSV):
    batch = upload_import("people.csv", data, by=users["admin"])
    batch.status = "queued"  # what queue_import does; the job runs here, in-process
    db.session.commit()
    jobs.run_import(batch.id)
    return batch


def _kind(statement: str) -> str:
    if statement.startswith("INSERT INTO webhook_deliveries"):
        return "write deliveries"
    return "find webhooks" if "FROM webhooks" in statement else statement


def _deliveries(db) -> int:
    return db.session.scalar(select(func.count(WebhookDelivery.id)))


def test_each_imported_customer_reaches_the_webhook_as_created(db, users, subscribe, receiver):
    subscribe("customer.created")
    _run(db, users)
    events = receiver.events()
    assert [e["event"] for e in events] == ["customer.created"] * 2  # not for the bad row
    assert all(request["verified"] for request in receiver.requests)
    for event, email in zip(events, ("a@example.com", "b@example.com")):
        customer = db.session.scalar(select(Customer).where(Customer.email == email))
        assert event["data"] == {"customer": customer_data(customer)}  # the service's payload
    assert len({e["id"] for e in events}) == 2


def test_no_webhook_no_delivery_row(db, users, make_user, receiver):
    register_webhook(url=receiver.url, events=["customer.updated"], by=make_user("admin"))
    db.session.commit()
    _run(db, users)
    assert db.session.scalar(select(func.count(Customer.id))) == 2
    assert _deliveries(db) == 0 and receiver.requests == []


def test_a_failed_import_sends_nothing(db, users, subscribe, receiver, monkeypatch):
    subscribe("customer.created")
    real_insert = jobs.insert_customers
    written = []

    def insert_then_crash(*args, **kwargs):
        real_insert(*args, **kwargs)
        written.append(_deliveries(db))  # in the batch's transaction, not committed
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "insert_customers", insert_then_crash)
    batch = _run(db, users)
    assert written == [2] and db.session.get(type(batch), batch.id).status == "failed"
    assert _deliveries(db) == 0 and receiver.requests == []


@pytest.mark.parametrize("hooks", [0, 2])
def test_the_events_cost_the_same_queries_for_10_and_100_rows(
    db, users, make_user, receiver, count_queries, monkeypatch, hooks
):
    admin = make_user("admin")
    for _ in range(hooks):
        register_webhook(url=receiver.url, events=["customer.created"], by=admin)
    db.session.commit()
    monkeypatch.setattr(jobs, "INSERT_CHUNK", 1000)

    def measure(total):
        rows = [[f"Firm {total}-{n}", f"f{total}-{n}@example.com", "DE"] for n in range(total)]
        valid = validate_rows(rows, MAPPING)
        with count_queries() as counter:
            jobs.insert_customers(valid, actor_id=None, batch_id=1)
        assert _deliveries(db) == hooks * total  # one row per webhook and customer
        db.session.rollback()  # nothing is sent: the deliveries go out after a commit
        return [_kind(statement) for statement in counter.statements if "webhook" in statement]

    expected = ["find webhooks"] + (["write deliveries"] if hooks else [])
    assert measure(10) == measure(100) == expected
    assert receiver.requests == []
