"""Renaming a department: settings, tickets and canned responses move together."""

import pytest
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.settings.services import get_setting
from cloudmanager.tickets.departments import rename_department
from cloudmanager.tickets.models import CannedResponse, Ticket


@pytest.fixture
def billing(db, users, helpdesk_settings, make_ticket):
    """Billing with its own time zone and a member, two of its tickets, one canned response."""
    agent = users["agent"]
    helpdesk_settings(
        department_calendars={"Billing": {"timezone": "Europe/London"}},
        department_members={"Billing": [agent.id]},
    )
    tickets = [make_ticket(department="Billing"), make_ticket(department="Billing")]
    other = make_ticket(department="Sales")
    db.session.add(CannedResponse(title="Refund", body="…", department="Billing"))
    db.session.commit()
    return {"agent": agent, "tickets": tickets, "other": other}


def test_a_renamed_department_keeps_its_place_calendar_members_and_tickets(db, users, billing):
    moved = rename_department("Billing", "  Accounts   receivable ", by=users["admin"])
    db.session.commit()
    assert moved == 2
    assert get_setting("helpdesk.departments") == [
        "Technical support",
        "Accounts receivable",
        "Sales",
    ]
    assert get_setting("helpdesk.department_calendars")["Accounts receivable"]["timezone"] == (
        "Europe/London"
    )
    assert "Billing" not in get_setting("helpdesk.department_calendars")
    assert get_setting("helpdesk.department_members") == {
        "Accounts receivable": [billing["agent"].id]
    }
    departments = dict(db.session.execute(select(Ticket.id, Ticket.department)).all())
    assert [departments[t.id] for t in billing["tickets"]] == ["Accounts receivable"] * 2
    assert departments[billing["other"].id] == "Sales"
    assert db.session.scalar(select(CannedResponse.department)) == "Accounts receivable"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "helpdesk.department_renamed")
    ).one()
    assert entry.before == {"department": "Billing"}
    assert entry.after == {"department": "Accounts receivable", "tickets_moved": 2}
    assert entry.actor_id == users["admin"].id


@pytest.mark.parametrize(
    "old,new,message",
    [
        ("Billing", "Sales", "“Sales” is already a department."),
        ("Billing", "   ", "Enter the department's new name."),
        ("Billing", "x" * 81, "At most 80 characters."),
        ("Legal", "Law", "That department no longer exists."),
    ],
)
def test_a_rename_that_cannot_be_done_says_why_and_changes_nothing(
    db, users, billing, old, new, message
):
    with pytest.raises(ValidationFailed) as refused:
        rename_department(old, new, by=users["admin"])
    db.session.rollback()
    assert refused.value.errors == {"new_name": message}
    assert get_setting("helpdesk.departments")[1] == "Billing"
    assert db.session.scalar(select(Ticket.department).where(Ticket.id == billing["other"].id))


def test_an_admin_renames_a_department_on_the_helpdesk_page(client, login_as, billing):
    login_as("admin")
    page = client.get("/settings/helpdesk").get_data(as_text=True)
    assert 'form="rename-2-form"' in page and 'name="old_name" value="Billing"' in page
    response = client.post(
        "/settings/helpdesk/rename", data={"old_name": "Billing", "new_name": "Accounts"}
    )
    assert response.status_code == 302 and response.location.endswith("/settings/helpdesk")
    assert get_setting("helpdesk.departments")[1] == "Accounts"
    assert "2 tickets moved" in client.get("/settings/helpdesk").get_data(as_text=True)


def test_a_refused_rename_shows_the_reason_in_that_departments_section(client, login_as, billing):
    login_as("admin")
    response = client.post(
        "/settings/helpdesk/rename", data={"old_name": "Sales", "new_name": "Billing"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="rename-3-error">“Billing” is already a department.' in html
    assert 'id="rename-3" name="new_name" form="rename-3-form" maxlength="80"' in html
    sales = html.split("<details")[3]
    assert sales.startswith(' class="border rounded p-2 mb-2" open>')  # the reason is not hidden
    assert get_setting("helpdesk.departments")[2] == "Sales"


def test_agents_cannot_rename_departments(client, login_as, billing):
    login_as("agent")
    response = client.post(
        "/settings/helpdesk/rename", data={"old_name": "Billing", "new_name": "Accounts"}
    )
    assert response.status_code == 403
    assert get_setting("helpdesk.departments")[1] == "Billing"
