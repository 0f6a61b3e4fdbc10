"""`customers.tag_list` follows every write to customer_tags (customers/tag_list.py)."""

from sqlalchemy import delete, insert, select, text

from cloudmanager.customers.models import Customer, CustomerTag
from cloudmanager.customers.services import ALL_FIELDS, update_customer
from cloudmanager.customers.tag_list import TAG_SEPARATOR


def tag_list(db, customer_id: int) -> list[str]:
    stored = db.session.execute(
        select(Customer.tag_list).where(Customer.id == customer_id)
    ).scalar_one()
    return sorted(stored.split(TAG_SEPARATOR)) if stored else []


def test_the_list_column_follows_services_bulk_writes_and_deletes(db, users, make_customer):
    customer = make_customer(tags="vip, reseller")
    other = make_customer(tags="")
    assert tag_list(db, customer.id) == ["reseller", "vip"] and tag_list(db, other.id) == []

    data = {name: getattr(customer, name) for name in ALL_FIELDS if name != "tags"}
    update_customer(customer, {**data, "tags": "vip, gold"}, by=users["admin"])
    db.session.commit()
    assert tag_list(db, customer.id) == ["gold", "vip"]

    db.session.execute(
        insert(CustomerTag),
        [{"customer_id": other.id, "tag": "beta"}, {"customer_id": other.id, "tag": "alpha"}],
    )
    db.session.execute(delete(CustomerTag).where(CustomerTag.customer_id == customer.id))
    db.session.commit()
    assert tag_list(db, other.id) == ["alpha", "beta"]
    assert tag_list(db, customer.id) == []


def test_the_list_shows_tags_a_bulk_insert_wrote(client, db, login_as, make_customer):
    login_as("agent")
    customer = make_customer(tags="")
    db.session.execute(insert(CustomerTag), [{"customer_id": customer.id, "tag": "imported"}])
    db.session.commit()

    html = client.get("/customers/").get_data(as_text=True)

    assert '<span class="badge text-bg-light border me-1">imported</span>' in html


def test_the_migration_fills_the_column_from_existing_tags(db):
    """What 8c4f1e2a6b93's backfill statement does to tags written before the triggers."""
    from cloudmanager.customers import tag_list as module

    customer = Customer(number="C-000001", name="Old", email="old@example.com", country="DE")
    db.session.add(customer)
    db.session.flush()
    db.session.execute(insert(CustomerTag), [{"customer_id": customer.id, "tag": "legacy"}])
    db.session.execute(text("UPDATE customers SET tag_list = ''"))  # as before the column
    db.session.execute(text(module.BACKFILL[db.engine.dialect.name]))
    db.session.commit()

    assert tag_list(db, customer.id) == ["legacy"]
