"""Demo helpdesk: canned responses, ~25 tickets with conversations, a few portal users."""

from datetime import timedelta

from sqlalchemy import func, select

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
    from cloudmanager.tickets.services import add_reply, apply_sla, change_assignee, change_status
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
    customers = _customers_with_contacts(25)
    agents = list(db.session.scalars(select(User).where(User.role.in_(("agent", "manager")))))
    if not customers or not agents:
        return ["helpdesk: skipped (needs demo customers and agents)"]
    created = 0
    if not db.session.scalar(select(func.count()).select_from(Ticket)):
        for n in range(25):
            _seed_ticket(n, customers[n % len(customers)], TICKETS[n % len(TICKETS)], agents)
            created += 1
    portal = _seed_portal_users(customers)
    db.session.flush()
    return [
        f"helpdesk: {created} tickets created, {len(CANNED)} canned responses",
        "portal users (demo password): " + ", ".join(portal),
    ]
