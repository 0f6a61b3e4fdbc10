"""Demo helpdesk: a year of ticket history, ~25 current conversations, canned responses, portal users."""

from datetime import timedelta

from sqlalchemy import func, insert, select, update

from cloudmanager.extensions import db

CANNED = [
    ("Greeting", "", "Hello {contact_name},\n\nthank you for contacting us about {ticket_number}."),
    (
        "Need more details",
        "",
        "Could you send us the exact error message and the time it "
        "happened? That helps us find it in our logs.",
    ),
    (
        "Invoice copy",
        "Billing",
        "Hello {contact_name},\n\nyou find every invoice of "
        "{customer_name} in the customer portal under Invoices.",
    ),
    (
        "Resolved, please confirm",
        "",
        "We believe this is fixed. If anything is still wrong, "
        "just reply and the ticket opens again.\n\n{agent_name}",
    ),
]

# subject, department, priority, customer message, [(by staff?, internal?, text)], final status
TICKETS = [
    (
        "VPS vm-42 does not answer pings",
        "Technical support",
        "urgent",
        "Since 09:00 our VPS does not answer. Our shop is down!",
        [
            (True, True, "Hypervisor hv-7 lost its uplink; network team informed."),
            (
                True,
                False,
                "We found a network fault on the host and moved your VM. It is back online.",
            ),
        ],
        "resolved",
    ),
    (
        "Invoice INV-2026-00041 shows the wrong VAT id",
        "Billing",
        "normal",
        "Our VAT id changed in October; the last invoice has the old one.",
        [],
        "new",
    ),
    (
        "Need a second IPv4 address",
        "Sales",
        "low",
        "Can we order an additional IPv4 address for our mail server?",
        [(True, False, "Sure, I added an offer to your account. Shall we activate it?")],
        "waiting",
    ),
    (
        "Backups failing since Tuesday",
        "Technical support",
        "high",
        "The nightly backup job reports error 17.",
        [
            (True, False, "Can you send us the log of the last run?"),
            (False, False, "Attached the log, see the last lines."),
        ],
        "open",
    ),
    (
        "Upgrade to premium support",
        "Sales",
        "normal",
        "We would like to switch to the premium support plan.",
        [],
        "on_hold",
    ),
    (
        "SSL certificate renewal failed",
        "Technical support",
        "high",
        "Let's Encrypt renewal fails for shop.example.com.",
        [],
        "new",
    ),
    (
        "Change of billing address",
        "Billing",
        "low",
        "We moved to a new office, please update our address.",
        [(True, False, "Done: the next invoice shows the new address.")],
        "closed",
    ),
    (
        "DNS zone import",
        "Technical support",
        "normal",
        "Can you import our zone file for example.net?",
        [],
        "new",
    ),
]


HISTORY_TICKETS = 900
HISTORY_DAYS = 365
HELPDESK_AGENTS = [
    ("sam.support@demo.example.com", "Sam Support"),
    ("jo.helpdesk@demo.example.com", "Jo Helpdesk"),
]


def _customers_with_contacts(limit: int):
    from cloudmanager.customers.models import Contact, Customer

    return list(
        db.session.scalars(
            select(Customer)
            .where(Customer.id.in_(select(Contact.customer_id).where(Contact.email != "")))
            .order_by(Customer.id)
            .limit(limit)
        )
    )


def _seed_canned() -> None:
    from cloudmanager.tickets.models import CannedResponse

    for title, department, body in CANNED:
        if db.session.scalar(select(CannedResponse.id).where(CannedResponse.title == title)):
            continue
        db.session.add(CannedResponse(title=title, department=department, body=body))


def _seed_ticket(n, customer, spec, agents) -> None:
    from cloudmanager.core.timeutil import utcnow
    from cloudmanager.tickets.changes import change_assignee
    from cloudmanager.tickets.services import add_reply, apply_sla, change_status
    from cloudmanager.tickets.services import open_ticket

    subject, department, priority, body, conversation, status = spec
    contact = next(c for c in customer.contacts if c.email)
    ticket = open_ticket(
        subject=subject,
        body=body,
        department=department,
        priority=priority,
        requester=contact,
        source="portal" if n % 2 else "email",
    )
    ticket.created_at = utcnow() - timedelta(hours=3 * n + 1)
    ticket.messages[0].created_at = ticket.created_at
    apply_sla(ticket, ticket.created_at)
    agent = agents[n % len(agents)]
    if n % 3:
        change_assignee(ticket, agent, by=agents[0])
    for by_staff, internal, text in conversation:
        add_reply(ticket, author=agent if by_staff else contact, body=text, internal=internal)
    change_status(ticket, status, by=agent)


def _seed_agents() -> None:
    """Two more agents, so the reports by agent compare a few people."""
    from cloudmanager.auth.services import create_user, find_user_by_email
    from cloudmanager.demo import DEMO_PASSWORD

    for email, name in HELPDESK_AGENTS:
        if find_user_by_email(email) is None:
            create_user(email=email, name=name, role="agent", password=DEMO_PASSWORD)


def _seed_history(customers, agents) -> int:
    """A year of answered, resolved and still open tickets (bulk rows, not services: fast)."""
    from cloudmanager.core.timeutil import utcnow
    from cloudmanager.tickets.helpdesk import calendar_for, departments, sla_targets
    from cloudmanager.tickets.history import HistorySpec, ticket_history
    from cloudmanager.tickets.models import Ticket, TicketMessage

    now = utcnow()
    requesters = []
    for customer in customers:
        contact = next(c for c in customer.contacts if c.email)
        requesters.append(
            {
                "customer_id": customer.id,
                "requester_id": contact.id,
                "requester_email": contact.email.lower(),
                "requester_name": contact.name,
            }
        )
    spec = HistorySpec(
        start=now - timedelta(days=HISTORY_DAYS),
        end=now,
        count=HISTORY_TICKETS,
        departments=departments(),
        agents=[(agent.id, agent.name) for agent in agents],
        requesters=requesters,
        calendar_for=calendar_for,
        targets=sla_targets,
    )
    history = list(ticket_history(spec))
    ids = db.session.scalars(
        insert(Ticket).returning(Ticket.id, sort_by_parameter_order=True),
        [row for row, _messages in history],
    ).all()
    db.session.execute(update(Ticket), [{"id": i, "number": f"T-{i:06d}"} for i in ids])
    messages = [
        {**message, "ticket_id": ids[message.pop("ticket")], "source": row["source"]}
        for row, ticket_messages in history
        for message in ticket_messages
    ]
    db.session.execute(insert(TicketMessage), messages)
    return len(ids)


def _seed_portal_users(customers) -> list[str]:
    from cloudmanager.auth.passwords import hash_password
    from cloudmanager.auth.services import new_session_stamp
    from cloudmanager.demo import DEMO_PASSWORD
    from cloudmanager.portal.models import PortalUser
    from cloudmanager.portal.services import portal_user_for_contact

    emails = []
    for customer in customers[:3]:
        contact = next(c for c in customer.contacts if c.email)
        if portal_user_for_contact(contact) is None:
            db.session.add(
                PortalUser(
                    contact=contact,
                    email=contact.email.lower(),
                    name=contact.name,
                    password_hash=hash_password(DEMO_PASSWORD),
                    session_stamp=new_session_stamp(),
                )
            )
            contact.portal_access = True
        emails.append(contact.email.lower())
    return emails


def seed_helpdesk() -> list[str]:
    """Canned responses, tickets across demo customers, portal users (idempotent)."""
    from cloudmanager.auth.models import User
    from cloudmanager.tickets.models import Ticket

    _seed_canned()
    _seed_agents()
    customers = _customers_with_contacts(25)
    agents = list(
        db.session.scalars(
            select(User).where(User.role.in_(("agent", "manager"))).order_by(User.id)
        )
    )
    if not customers or not agents:
        return ["helpdesk: skipped (needs demo customers and agents)"]
    created = history = 0
    if not db.session.scalar(select(func.count()).select_from(Ticket)):
        history = _seed_history(customers, agents)
        for n in range(25):
            _seed_ticket(n, customers[n % len(customers)], TICKETS[n % len(TICKETS)], agents)
            created += 1
    portal = _seed_portal_users(customers)
    db.session.flush()
    return [
        f"helpdesk: {created} tickets created, {history} in a year of history, "
        f"{len(CANNED)} canned responses",
        "portal users (demo password): " + ", ".join(portal),
    ]
