"""The demo customers seed cleanly, once."""

from sqlalchemy import func, select

from cloudmanager.customers.demo import CUSTOMERS, seed_customers
from cloudmanager.customers.models import Contact, Customer, CustomerNote


def test_demo_customers_are_valid_and_seeded_once(db):
    assert seed_customers() == [
        f"customers: {len(CUSTOMERS)} created ({len(CUSTOMERS)} in the demo)"
    ]
    db.session.commit()
    assert seed_customers()[0].startswith("customers: 0 created")
    assert db.session.scalar(select(func.count(Customer.id))) == len(CUSTOMERS) >= 40
    assert db.session.scalar(select(func.count(Contact.id))) >= 10
    assert db.session.scalar(select(func.count(CustomerNote.id))) >= 4
    companies = db.session.scalars(select(Customer).where(Customer.kind == "company")).all()
    assert all(c.vat_id for c in companies)
    assert len({c.country for c in companies}) >= 20
