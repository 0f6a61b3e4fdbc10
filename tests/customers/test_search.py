"""The customer list: search (including contacts), filters, sorting, keyset pages, query count."""

import re

import pytest
from sqlalchemy import text

from cloudmanager.core.pagination import encode_cursor
from cloudmanager.customers.contacts import add_contact
from cloudmanager.customers.models import CustomerTag
from cloudmanager.customers.filters import CustomerFilters
from cloudmanager.customers.search import customer_page


def names(**args):
    page = customer_page(CustomerFilters.from_args(args))
    return [c.name for c in page.items]


@pytest.fixture
def three(db, make_customer):
    acme = make_customer(name="Acme Hosting", email="ops@acme.example", vat_id="DE123456789")
    bolt = make_customer(name="Bolt Networks", email="hi@bolt.example", country="FR", vat_id="")
    add_contact(bolt, {"name": "Margarete Kühn", "email": "m.kuehn@finance.example"}, by=None)
    cirrus = make_customer(name="Cirrus Labs", email="team@cirrus.example", tags="vip", vat_id="")
    db.session.commit()
    return acme, bolt, cirrus


@pytest.mark.parametrize(
    "term,expected",
    [
        ("acme", ["Acme Hosting"]),
        ("NETWORK", ["Bolt Networks"]),
        ("C-000003", ["Cirrus Labs"]),
        ("team@cirrus", ["Cirrus Labs"]),
        ("DE123456789", ["Acme Hosting"]),
        ("m.kuehn@finance", ["Bolt Networks"]),
        ("kühn", ["Bolt Networks"]),
        ("nothing-like-this", []),
        ("%", []),
    ],
)
def test_search_matches_name_number_email_vat_and_contacts(three, term, expected):
    assert names(q=term) == expected


def test_filters_by_status_tag_and_country(db, users, three):
    from cloudmanager.customers.services import set_customer_status

    acme, bolt, cirrus = three
    set_customer_status(acme, "inactive", by=users["admin"])
    db.session.commit()
    assert names(status="inactive") == ["Acme Hosting"]
    assert names(tag="vip") == ["Cirrus Labs"]
    assert names(country="fr") == ["Bolt Networks"]
    assert names(status="active", country="DE") == ["Cirrus Labs"]


def test_sorting_by_name_descending(three):
    assert names(sort="name", dir="desc") == ["Cirrus Labs", "Bolt Networks", "Acme Hosting"]


def test_unknown_sort_falls_back_to_name(three):
    assert names(sort="password_hash") == ["Acme Hosting", "Bolt Networks", "Cirrus Labs"]


def test_keyset_pages_cover_every_row_once(db, make_customer):
    for i in range(7):
        make_customer(name=f"Same Name {i % 2}")
    seen, cursor = [], None
    while True:
        page = customer_page(CustomerFilters.from_args({"size": 3, "cursor": cursor or ""}))
        seen += [c.id for c in page.items]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 7


def _bulk_customers(db, count):
    from cloudmanager.customers.models import Customer, CustomerTag

    for i in range(count):
        customer = Customer(
            number=f"C-9{i:05d}", name=f"Bulk {i:03d}", email=f"bulk{i}@example.com",
            country="DE", search_text=f"bulk {i:03d}", tag_rows=[CustomerTag(tag="bulk")],
        )  # fmt: skip
        db.session.add(customer)
    db.session.commit()


def _list_queries(client, count_queries, **params):
    with count_queries() as counter:
        response = client.get("/customers/", query_string={"size": 100, **params})
    assert response.status_code == 200
    return counter.count, response


def test_list_page_query_count_is_the_same_for_10_and_100_rows(db, client, login_as, count_queries):
    login_as("agent")
    _bulk_customers(db, 10)
    small, response = _list_queries(client, count_queries)
    assert response.data.count(b"Bulk 0") == 10
    _bulk_customers_more(db)
    large, response = _list_queries(client, count_queries)
    assert response.data.count(b"Bulk ") >= 100
    assert small == large


def _bulk_customers_more(db):
    from cloudmanager.customers.models import Customer, CustomerTag

    for i in range(10, 120):
        db.session.add(
            Customer(
                number=f"C-9{i:05d}", name=f"Bulk {i:03d}", email=f"bulk{i}@example.com",
                country="DE", search_text=f"bulk {i:03d}", tag_rows=[CustomerTag(tag="bulk")],
            )
        )  # fmt: skip
    db.session.commit()


def test_search_fragment_query_count_is_constant(db, client, login_as, count_queries):
    login_as("agent")
    _bulk_customers(db, 10)
    small, _ = _list_queries(client, count_queries, q="bulk", tag="bulk")
    _bulk_customers_more(db)
    large, _ = _list_queries(client, count_queries, q="bulk", tag="bulk")
    assert small == large


def test_search_index_follows_renames_and_deletes(db, users, make_customer):
    from cloudmanager.customers.services import ALL_FIELDS, delete_customer, update_customer

    customer = make_customer(name="Old Harbour Ltd")
    data = {name: getattr(customer, name) for name in ALL_FIELDS if name != "tags"}
    update_customer(customer, {**data, "name": "Fresh Harbour Ltd"}, by=users["manager"])
    db.session.commit()
    assert names(q="fresh harbour") == ["Fresh Harbour Ltd"]
    assert names(q="old harbour") == []
    delete_customer(customer, by=users["admin"])
    db.session.commit()
    assert names(q="fresh harbour") == []


@pytest.mark.parametrize("term", ["ac", "o_s", "a%c"])
def test_short_terms_and_wildcards_take_the_plain_like(three, term):
    expected = {"ac": ["Acme Hosting"], "o_s": [], "a%c": []}[term]
    assert names(q=term) == expected


def test_list_rows_show_sorted_tags_escaped_values_and_the_country_name(
    db, client, login_as, make_customer
):
    login_as("agent")
    customer = make_customer(name="<b>Bold</b> & Co", country="CI", vat_id="", tags="zeta, alpha")
    customer.tag_rows.append(CustomerTag(tag="with,comma"))  # a tag may hold a comma (API lists)
    db.session.commit()
    html = client.get("/customers/").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html and "<b>Bold</b>" not in html
    badges = re.findall(r'<span class="badge text-bg-light border me-1">([^<]*)</span>', html)
    assert badges == ["alpha", "with,comma", "zeta"]
    assert '<span title="Côte d&#39;Ivoire">CI</span>' in html
    assert f'href="/customers/{customer.id}" class="fw-semibold"' in html
    created = f"{customer.created_at.day:02d} {customer.created_at:%b %Y}"
    assert f'<td class="text-end text-nowrap">{created}</td>' in html


@pytest.mark.parametrize("values", [["Acme", "not-an-id"], [1, 2], ["Acme", True]])
def test_a_cursor_with_values_of_the_wrong_type_means_page_one(three, values):
    cursor = encode_cursor(values)
    page = customer_page(CustomerFilters.from_args({"size": 2, "cursor": cursor}))
    assert [c.name for c in page.items] == ["Acme Hosting", "Bolt Networks"]


def test_a_hand_edited_cursor_is_page_one_on_the_list_page(three, client, login_as):
    login_as("agent")
    response = client.get("/customers/", query_string={"cursor": encode_cursor(["x", "1 OR 1"])})
    assert response.status_code == 200 and b"Acme Hosting" in response.data


@pytest.mark.parametrize("term", ['50% "off"', "half_price", '"off"', "50%"])
def test_wildcards_and_quotes_in_a_search_are_literal_characters(db, make_customer, term):
    make_customer(name='Half_Price 50% "Off"', email="deals@half.example")
    make_customer(name="Halfxprice 500 Off", email="other@half.example")
    db.session.commit()
    assert names(q=term) == ['Half_Price 50% "Off"']


def test_the_country_filter_reads_its_page_in_name_order_off_an_index(db):
    from cloudmanager.customers.search import FilterShape, _list_statement

    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plan")
    stmt = _list_statement("sqlite", FilterShape("", True, True, False), "name", False, False)
    compiled = stmt.compile(db.engine)
    values = compiled.construct_params({"status": "active", "country": "FR", "limit": 51})
    rows = db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + str(compiled), tuple(values[name] for name in compiled.positiontup)
    )
    plan = " | ".join(row[3] for row in rows)
    assert "ix_customers_country_name_id" in plan and "TEMP B-TREE" not in plan, plan


def test_known_tags_are_each_tag_in_use_once_in_order_up_to_the_limit(db, make_customer):
    from cloudmanager.customers.filter_choices import known_tags

    make_customer(tags="vip, reseller")
    make_customer(tags="vip, beta")
    make_customer(tags="zeta")
    db.session.commit()
    assert known_tags() == ["beta", "reseller", "vip", "zeta"]
    assert known_tags(limit=2) == ["beta", "reseller"]


@pytest.fixture
def clouds(db, users, make_customer):
    """Five customers with "cloud" in their name, created in an order unlike their names."""
    from cloudmanager.customers.services import set_customer_status

    made = [
        make_customer(name=f"{word} Cloud", email=f"c{i}@cloud{i}.example", vat_id="")
        for i, word in enumerate(["Delta", "Alpha", "Echo", "Bravo", "Charlie"])
    ]
    set_customer_status(made[1], "inactive", by=users["admin"])
    make_customer(name="Unrelated Hosting", vat_id="")
    db.session.commit()
    return made


@pytest.mark.parametrize("term", ["cloud", "cl"])  # the FTS5 path and the plain LIKE
def test_a_search_comes_newest_first_unless_an_order_is_chosen(clouds, term):
    newest_first = ["Charlie Cloud", "Bravo Cloud", "Echo Cloud", "Alpha Cloud", "Delta Cloud"]
    assert names(q=term) == newest_first
    assert names(q=term, dir="asc") == newest_first[::-1]
    assert names(q=term, sort="name") == sorted(newest_first)
    assert names(q=term, sort="created") == newest_first[::-1]  # a chosen sort starts ascending
    assert names(q=term, status="active") == [n for n in newest_first if n != "Alpha Cloud"]


@pytest.mark.parametrize("direction", ["desc", "asc"])
def test_search_pages_in_index_order_cover_every_match_once(db, clouds, make_customer, direction):
    extra = [make_customer(name=f"Cloud Extra {i}", vat_id="").id for i in range(6)]
    db.session.commit()
    expected = sorted([c.id for c in clouds if c.status == "active"] + extra)
    if direction == "desc":
        expected.reverse()
    seen, cursor = [], None
    while True:
        args = {"q": "cloud", "status": "active", "dir": direction, "size": 3}
        page = customer_page(CustomerFilters.from_args({**args, "cursor": cursor or ""}))
        seen += [row.id for row in page.items]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == expected


def test_links_keep_only_the_order_the_user_chose():
    searched = CustomerFilters.from_args({"q": "cloud"})
    assert (searched.sort, searched.dir) == ("created", "desc")
    assert searched.params() == {"q": "cloud"}
    chosen = CustomerFilters.from_args({"q": "cloud", "sort": "name", "dir": "asc"})
    assert (chosen.sort, chosen.dir) == ("name", "asc")
    assert chosen.params() == {"q": "cloud", "sort": "name", "dir": "asc"}
    plain = CustomerFilters.from_args({"sort": "nonsense", "dir": "sideways"})
    assert (plain.sort, plain.dir, plain.params()) == ("name", "asc", {})


def test_the_search_page_says_its_order_and_keeps_no_hidden_one(clouds, client, login_as):
    login_as("agent")
    page = client.get("/customers/?q=cloud").get_data(as_text=True)
    assert "matching &ldquo;cloud&rdquo;, newest first" in page
    assert '<input type="hidden" name="sort" value="">' in page
    assert re.search(r'aria-sort="descending"><a class="sort-link" [^>]*>Created', page)
    by_name = client.get("/customers/?q=cloud&sort=name&dir=asc").get_data(as_text=True)
    assert "newest first" not in by_name
    assert '<input type="hidden" name="sort" value="name">' in by_name
    assert by_name.index("Alpha Cloud") < by_name.index("Bravo Cloud")


def _fts_setting(db, name: str, value: int) -> None:
    db.session.execute(
        text("INSERT INTO customers_fts (customers_fts, rank) VALUES (:name, :value)"),
        {"name": name, "value": value},
    )
    db.session.commit()


def _fts_segments(db) -> int:
    return db.session.scalar(text("SELECT count(DISTINCT segid) FROM customers_fts_idx"))


def test_compacting_merges_the_search_index_and_keeps_every_match(db, make_customer):
    from cloudmanager.customers import search_index
    from cloudmanager.periodic import SCHEDULE

    assert ("customers.compact_search_index", 24 * 3600, search_index.__name__ + ".compact") in (
        SCHEDULE
    )
    sqlite = db.engine.dialect.name == "sqlite"
    # Earlier tests' segments first: at 16 FTS5 merges them all on its own ("crisismerge").
    search_index.compact()
    if sqlite:  # nor may FTS5 merge the new segments on its own while they are written
        _fts_setting(db, "automerge", 0)
    try:
        for i in range(5):
            make_customer(name=f"Segment Cloud {i}", vat_id="")  # one commit (and segment) each
        if sqlite:
            assert _fts_segments(db) > 1
    finally:
        if sqlite:
            _fts_setting(db, "automerge", 4)  # FTS5's default
    search_index.compact()
    if sqlite:
        assert _fts_segments(db) == 1
    assert names(q="segment cloud") == [f"Segment Cloud {i}" for i in range(4, -1, -1)]
