"""Tickets over the API: opened, answered and changed by the helpdesk services; notes stay inside."""

import pytest

from tests.api.conftest import CUSTOMER

TICKET = {
    "subject": "Server unreachable",
    "body": "Since 10:00 the server answers no pings.",
    "department": "Technical support",
}


@pytest.fixture
def contact(api):
    """Ada, the contact of a customer."""
    customer = api.post("/customers", CUSTOMER).json
    return api.post(
        f"/customers/{customer['id']}/contacts", {"name": "Ada", "email": "ada@acme.example"}
    ).json


@pytest.fixture
def agent(api_as):
    """A support agent's token."""
    return api_as("agent")


@pytest.fixture
def ticket(agent, contact):
    """A ticket Ada asked for (matched by her email)."""
    response = agent.post("/tickets", {**TICKET, "requester_email": "ADA@acme.example"})
    assert response.status_code == 201, response.json
    return response.json


def test_opening_a_ticket_finds_the_contact_and_starts_the_clocks(ticket, contact):
    assert ticket["number"].startswith("T-") and ticket["status"] == "new"
    assert ticket["requester_id"] == contact["id"]
    assert ticket["customer_id"] == contact["customer_id"] and ticket["source"] == "api"
    assert ticket["first_response_due_at"].endswith("Z")


def test_who_asks_must_be_known_and_consistent(agent, contact):
    nobody = agent.post("/tickets", TICKET)
    assert nobody.status_code == 422 and nobody.json["errors"][0]["field"] == "requester_email"
    wrong = agent.post("/tickets", {**TICKET, "contact_id": contact["id"], "customer_id": 999})
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "customer_id"
    department = agent.post(
        "/tickets", {**TICKET, "department": "Nope", "contact_id": contact["id"]}
    )
    assert department.json["errors"][0]["field"] == "department"


def test_a_reply_waits_on_the_customer_and_a_note_changes_nothing(agent, ticket):
    path = f"/tickets/{ticket['id']}"
    note = agent.post(path + "/messages", {"body": "Probably the switch.", "internal": True})
    assert note.status_code == 201 and note.json["internal"]
    assert agent.get(path).json["status"] == "new"
    reply = agent.post(path + "/messages", {"body": "We are on it."})
    assert reply.status_code == 201 and reply.json["by_staff"]
    assert agent.get(path).json["status"] == "waiting"
    messages = agent.get(path + "/messages").json["data"]
    assert [(m["internal"], m["body"][:8]) for m in messages] == [
        (False, "Since 10"),
        (True, "Probably"),
        (False, "We are o"),
    ]


def test_internal_notes_are_for_staff_tokens_only(agent, ticket, monkeypatch):
    from cloudmanager.api import resources_tickets

    path = f"/tickets/{ticket['id']}"
    note = agent.post(path + "/messages", {"body": "internal", "internal": True}).json
    monkeypatch.setattr(resources_tickets, "sees_internal", lambda: False)  # a non-staff owner
    assert [m["internal"] for m in agent.get(path + "/messages").json["data"]] == [False]
    assert agent.get(f"{path}/messages/{note['id']}").status_code == 404


def test_messages_belong_to_their_ticket(agent, ticket, contact):
    other = agent.post("/tickets", {**TICKET, "contact_id": contact["id"]}).json
    message = agent.post(f"/tickets/{ticket['id']}/messages", {"body": "Hi"}).json
    assert agent.get(f"/tickets/{other['id']}/messages/{message['id']}").status_code == 404


def test_properties_change_through_the_services(agent, ticket, make_user):
    colleague = make_user("agent")
    path = f"/tickets/{ticket['id']}"
    changed = agent.patch(
        path,
        {"priority": "urgent", "assignee_id": colleague.id, "tags": ["Network", "network"]},
    )
    assert changed.status_code == 200
    assert changed.json["priority"] == "urgent" and changed.json["tags"] == ["network"]
    assert changed.json["assignee_id"] == colleague.id
    assert agent.patch(path, {"assignee_id": None}).json["assignee_id"] is None
    closed = agent.patch(path, {"status": "closed"}).json
    assert closed["status"] == "closed" and closed["closed_at"]
    accountant = make_user("accountant")
    refused = agent.patch(path, {"assignee_id": accountant.id})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "assignee"


def test_accountants_read_tickets_but_do_not_answer(api_as, ticket):
    accountant = api_as("accountant")
    assert accountant.get(f"/tickets/{ticket['id']}").status_code == 200
    assert accountant.post(f"/tickets/{ticket['id']}/messages", {"body": "x"}).status_code == 403


def test_ticket_events_carry_public_messages_only(agent, contact, subscribe, receiver):
    subscribe("ticket.created", "ticket.replied", "ticket.closed")
    ticket = agent.post("/tickets", {**TICKET, "contact_id": contact["id"]}).json
    path = f"/tickets/{ticket['id']}"
    agent.post(path + "/messages", {"body": "secret note", "internal": True})
    agent.post(path + "/messages", {"body": "We are on it."})
    agent.patch(path, {"status": "closed"})
    events = receiver.events()
    assert [e["event"] for e in events] == ["ticket.created", "ticket.replied", "ticket.closed"]
    assert events[0]["data"]["message"]["body"] == TICKET["body"]
    assert events[1]["data"]["message"]["body"] == "We are on it."
    assert "secret note" not in str(events)
    assert all(request["verified"] for request in receiver.requests)


def test_tickets_are_filtered(agent, ticket, contact):
    agent.post("/tickets", {**TICKET, "priority": "high", "requester_email": "new@else.example"})
    high = agent.get("/tickets", query_string={"priority": "high"}).json["data"]
    assert [t["requester_email"] for t in high] == ["new@else.example"]
    mine = agent.get("/tickets", query_string={"customer_id": contact["customer_id"]}).json
    assert [t["id"] for t in mine["data"]] == [ticket["id"]]
    since = agent.get("/tickets", query_string={"updated_since": "2999-01-01T00:00:00Z"}).json
    assert since["data"] == []
