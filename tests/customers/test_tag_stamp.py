"""The tags and countries in use are kept per process while their change stamps hold.

Triggers move a stamp on every committed write to its table (`customer_tags`; for
`customers` only additions, removals and country changes), whoever writes: the
services, a bulk insert, a cascade (core/change_stamps.py).
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

    rows = [{"customer_id": customer.id, "tag": tag} for tag in ("gold", "iron", "lead")]
    db.session.execute(insert(CustomerTag), rows)
    assert committed_stamp(db) == stamps[-1]  # not before the commit
    db.session.commit()
    stamps.append(committed_stamp(db))
    if db.engine.dialect.name == "postgresql":  # once per transaction, however many rows
        assert stamps[-1] == stamps[-2] + 1

    db.session.execute(update(CustomerTag).where(CustomerTag.tag == "gold").values(tag="silver"))
    db.session.execute(delete(CustomerTag).where(CustomerTag.tag.in_(["iron", "lead"])))
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


def test_tags_and_countries_in_use_are_read_once_while_their_stamps_hold(
    client, db, login_as, make_customer, count_queries
):
    login_as("agent")
    make_customer(tags="vip")

    with count_queries() as counter:
        for _ in range(3):
            assert client.get("/customers/").status_code == 200

    statements = [" ".join(statement.split()) for statement in counter.statements]
    assert sum("WITH RECURSIVE tags" in statement for statement in statements) == 1
    assert sum("WITH RECURSIVE countries" in statement for statement in statements) == 1


def country_filter(html: str) -> list[str]:
    select_html = re.search(r'<select[^>]*id="country".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"', select_html)


def test_the_country_filter_offers_the_countries_customers_are_in(
    client, db, login_as, make_customer
):
    login_as("agent")
    make_customer(country="FR", vat_id="")
    make_customer(country="AT", vat_id="")
    assert country_filter(client.get("/customers/").get_data(as_text=True)) == ["AT", "FR"]

    moved = make_customer(country="DE", vat_id="")  # sorted by name: Austria, France, Germany
    assert country_filter(client.get("/customers/").get_data(as_text=True)) == ["AT", "FR", "DE"]

    db.session.execute(update(Customer).where(Customer.id == moved.id).values(country="BE"))
    db.session.commit()  # another process moves a customer
    html = client.get("/customers/?country=JP").get_data(as_text=True)
    assert country_filter(html) == ["AT", "BE", "FR", "JP"]  # the one asked for is kept
    assert '<option value="JP" selected>Japan</option>' in html
