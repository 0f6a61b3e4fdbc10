"""The demo data set behind `flask seed-demo`: idempotent, realistic, growing per module."""

from sqlalchemy import select

from cloudmanager.extensions import db
from cloudmanager.products.demo import seed_catalog, seed_tax_rates

DEMO_PASSWORD = "demo-password-2026"

DEMO_USERS = [
    ("admin@demo.example.com", "Ada Admin", "admin"),
    ("manager@demo.example.com", "Max Manager", "manager"),
    ("agent@demo.example.com", "Alex Agent", "agent"),
    ("accountant@demo.example.com", "Carla Accountant", "accountant"),
]


def seed_users() -> list[str]:
    """One user per role, all with the demo password."""
    from cloudmanager.auth.models import User
    from cloudmanager.auth.services import create_user

    created = []
    for email, name, role in DEMO_USERS:
        if db.session.scalar(select(User).where(User.email == email)) is None:
            create_user(email=email, name=name, role=role, password=DEMO_PASSWORD)
            created.append(email)
    return [f"users: {len(created)} created ({len(DEMO_USERS)} in the demo)"]


def seed_customers() -> list[str]:
    """Customers, contacts and notes (see `cloudmanager/customers/demo.py`)."""
    from cloudmanager.customers.demo import seed_customers as seed

    return seed()


def seed_helpdesk() -> list[str]:
    """Canned responses, tickets and portal users (see `cloudmanager/tickets/demo.py`)."""
    from cloudmanager.tickets.demo import seed_helpdesk as seed

    return seed()


def seed_invoices() -> list[str]:
    """Invoices in every state (see `cloudmanager/invoices/demo.py`)."""
    from cloudmanager.invoices.demo import seed_invoices as seed

    return seed()


def seed_orders() -> list[str]:
    """Orders and services (see `cloudmanager/orders/demo.py`)."""
    from cloudmanager.orders.demo import seed_orders as seed

    return seed()


def seed_history() -> list[str]:
    """A year of services, invoices and payments (see `cloudmanager/orders/demo_history.py`)."""
    from cloudmanager.orders.demo_history import seed_history as seed

    return seed()


SEEDERS = [
    seed_users,
    seed_tax_rates,
    seed_catalog,
    seed_customers,
    seed_invoices,
    seed_orders,
    seed_history,
    seed_helpdesk,
]


def seed() -> list[str]:
    """Run every seeder; each adds only what is missing."""
    summary: list[str] = []
    for seeder in SEEDERS:
        summary.extend(seeder())
        db.session.flush()
    return summary
