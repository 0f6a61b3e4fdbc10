"""The tags in use are kept per process while the customer tags' change stamp holds.

Triggers move the stamp on every committed write to `customer_tags`, whoever
writes: the services, a bulk insert, a cascade (core/change_stamps.py).
"""

import re

from sqlalchemy import create_engine, delete, insert, select, update

from cloudmanager.core.change_stamps import ChangeStamp
from cloudmanager.customers.models import Customer, CustomerTag


def committed_stamp(db):
    """The stamp as another connection (another process) sees it."""
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                select(ChangeStamp.counter).where(ChangeStamp.name == "customer_tags")
            ).scalar()
    finally:
        engine.dispose()


def filter_tags(html: str) -> list[str]:
    select_html = re.search(r'<select[^>]*id="tag".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"', select_html)


def test_every_committed_write_moves_the_stamp(db, make_customer):
    customer = make_customer(tags="vip")  # through the services (the ORM)
    stamps = [committed_stamp(db)]

    db.session.execute(insert(CustomerTag), [{"customer_id": customer.id, "tag": "gold"}])
    assert committed_stamp(db) == stamps[-1]  # not before the commit
    db.session.commit()
    stamps.append(committed_stamp(db))

    db.session.execute(update(CustomerTag).where(CustomerTag.tag == "gold").values(tag="silver"))
    db.session.commit()
    stamps.append(committed_stamp(db))

    db.session.execute(delete(CustomerTag).where(CustomerTag.tag == "silver"))
    db.session.commit()
    stamps.append(committed_stamp(db))

    db.session.execute(delete(Customer).where(Customer.id == customer.id))  # cascades to tags
    db.session.commit()
    stamps.append(committed_stamp(db))

    assert None not in stamps
    assert stamps == sorted(set(stamps)), stamps  # moved forward every time


def test_the_tag_filter_shows_tags_another_process_wrote(client, db, login_as, make_customer):
    login_as("agent")
    make_customer(tags="vip")
    assert filter_tags(client.get("/customers/").get_data(as_text=True)) == ["vip"]

    customer = make_customer(tags="")
    db.session.execute(insert(CustomerTag), [{"customer_id": customer.id, "tag": "gold"}])
    db.session.commit()  # a bulk insert, as the CSV import does, or another process

    assert filter_tags(client.get("/customers/").get_data(as_text=True)) == ["gold", "vip"]


def test_tags_in_use_are_read_once_while_the_stamp_holds(
    client, db, login_as, make_customer, count_queries
):
    login_as("agent")
    make_customer(tags="vip")

    with count_queries() as counter:
        for _ in range(3):
            assert client.get("/customers/").status_code == 200

    assert sum("WITH RECURSIVE" in statement for statement in counter.statements) == 1
