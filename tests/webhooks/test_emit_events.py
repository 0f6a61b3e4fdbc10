"""emit_events: an event per item of a bulk change, written at once, none without a subscriber."""

import pytest
from sqlalchemy import select

from cloudmanager.webhooks.models import WebhookDelivery
from cloudmanager.webhooks.services import emit_event, emit_events, register_webhook


def test_each_item_is_its_own_event_for_every_subscribed_webhook(db, make_user, receiver):
    admin = make_user("admin")
    for _ in range(2):
        register_webhook(url=receiver.url, events=["customer.created"], by=admin)
    register_webhook(url=receiver.url, events=["ticket.created"], by=admin)
    db.session.commit()
    assert emit_events("customer.created", ({"n": n} for n in range(3))) == 6
    assert receiver.requests == []  # nothing leaves before the commit
    db.session.commit()
    events = receiver.events()
    assert sorted(e["data"]["n"] for e in events) == [0, 0, 1, 1, 2, 2]
    assert len({e["id"] for e in events}) == 3  # one event id per item, shared by the webhooks
    deliveries = db.session.scalars(select(WebhookDelivery)).all()
    assert {d.status for d in deliveries} == {"delivered"} and len(deliveries) == 6


def test_without_a_subscriber_the_items_are_not_even_made(db, make_user, receiver):
    register_webhook(url=receiver.url, events=["ticket.created"], by=make_user("admin"))
    db.session.commit()

    def items():
        raise AssertionError("made the event data although no webhook wants it")
        yield  # pragma: no cover

    assert emit_events("customer.created", items()) == 0
    assert db.session.scalar(select(WebhookDelivery.id)) is None


def test_an_unknown_event_is_a_bug(db):
    for emit in (lambda: emit_event("customer.deleted", {}), lambda: emit_events("x", [{}])):
        with pytest.raises(ValueError):
            emit()
