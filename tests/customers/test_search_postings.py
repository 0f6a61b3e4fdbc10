"""PostgreSQL's ordered trigram postings: kept in step by triggers, walked newest first."""

import pytest
from sqlalchemy import text

from cloudmanager.customers import search
from cloudmanager.customers.contacts import add_contact, remove_contact
from cloudmanager.customers.filters import CustomerFilters
from cloudmanager.customers.search import _shape_and_params, customer_page
from cloudmanager.customers.search_narrowing import Sampled, TrigramShares, walked_trigram
from cloudmanager.customers.search_postings import indexed_trigrams
from cloudmanager.customers.services import ALL_FIELDS, delete_customer, update_customer

# One in four rows holds "cloud" (half of them tagged), every row "customer" and
# "example". One in 40 is in France, one in 50 inactive.
SAMPLE = [
    Sampled(
        f"{'cloud' if i % 4 == 0 else 'nord'} hosting {i} | customer{i}@example.eu",
        "inactive" if i % 50 == 0 else "active",
        "FR" if i % 40 == 1 else "DE",
        "vip\x1freseller" if i % 8 == 0 else "",
    )
    for i in range(1000, 1400)
]
ANY = ("", "", "")


@pytest.fixture
def postgres(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the ordered postings exist on PostgreSQL only")
    return db


def test_only_trigrams_of_word_characters_are_kept():
    assert indexed_trigrams("ab c|d@e.fg") == set()
    assert indexed_trigrams("cloud | kühn") == {"clo", "lou", "oud", "küh", "ühn"}
    assert indexed_trigrams("c-000123") == {"000", "001", "012", "123"}


def test_a_common_term_walks_its_rarest_trigram_and_a_rare_one_does_not():
    shares = TrigramShares(SAMPLE, table_rows=100_000)
    walked = walked_trigram("cloud", 51, ANY, shares)
    assert walked in {"clo", "lou", "oud"}
    assert walked_trigram("customer1500@", 51, ANY, shares) is None  # in no sampled row: rare
    assert walked_trigram("zebra", 51, ANY, shares) is None  # in none
    assert walked_trigram("a b", 51, ANY, shares) is None  # no trigram kept
    assert shares.walked_trigram("cloud", 51, ANY) == walked
    assert shares._walks == {("cloud", 51, ANY): walked}
    # A table of 100 rows: its 25 matches cost the trigram index less than any walk.
    assert walked_trigram("cloud", 51, ANY, TrigramShares(SAMPLE[:100])) is None


def test_filters_that_leave_few_matches_keep_the_trigram_index():
    shares = TrigramShares(SAMPLE, table_rows=100_000)
    assert walked_trigram("cloud", 51, ("active", "", "vip"), shares)  # half of "cloud"
    assert walked_trigram("cloud", 51, ("inactive", "", ""), shares) is None  # 4 in 400
    assert walked_trigram("cloud", 51, ("", "FR", ""), shares) is None  # none sampled


def _postings(db) -> set[tuple[str, int]]:
    rows = db.session.execute(text("SELECT trigram, customer_id FROM customer_trigrams"))
    return {(trigram, customer_id) for trigram, customer_id in rows}


def _expected(db) -> set[tuple[str, int]]:
    rows = db.session.execute(text("SELECT id, search_text FROM customers"))
    return {(trigram, id_) for id_, value in rows for trigram in indexed_trigrams(value)}


def test_the_postings_follow_every_write(postgres, users, make_customer):
    db = postgres
    first = make_customer(name="Alpha Cloud", email="ops@alpha.example", vat_id="")
    second = make_customer(name="Beta Hosting", email="hi@beta.example", vat_id="")
    assert _postings(db) == _expected(db) and ("clo", first.id) in _postings(db)
    contact = add_contact(second, {"name": "Margarete Kühn", "email": "m@finance.example"}, by=None)
    data = {name: getattr(first, name) for name in ALL_FIELDS if name != "tags"}
    update_customer(first, {**data, "name": "Alpha Storage"}, by=users["admin"])
    db.session.commit()
    assert ("küh", second.id) in _postings(db) and ("clo", first.id) not in _postings(db)
    assert _postings(db) == _expected(db)
    remove_contact(contact, by=None)
    delete_customer(first, by=users["admin"])
    db.session.commit()
    assert _postings(db) == _expected(db) and {id_ for _, id_ in _postings(db)} == {second.id}
    db.session.execute(text("TRUNCATE customers CASCADE"))
    db.session.commit()
    assert _postings(db) == set()


class AlwaysWalk(TrigramShares):
    """Walks the rarest kept trigram of every term that has one."""

    def walked_trigram(self, term: str, page_rows: int, wanted: tuple) -> str | None:
        return min(sorted(indexed_trigrams(term)), key=self.share, default=None)


@pytest.fixture
def many(postgres, users, make_customer):
    """Customers holding "cloud", "clown" (its trigram "clo", not the term) or neither."""
    from cloudmanager.customers.services import set_customer_status

    for i in range(14):
        name = ("Cloud", "Clown", "Nord")[i % 3] + f" Firm {i}"
        customer = make_customer(name=name, email=f"c{i}@kühn{i % 2}.example", vat_id="")
        if i % 4 == 0:
            set_customer_status(customer, "inactive", by=users["admin"])
    postgres.session.commit()


def _every_page(args: dict) -> list[int]:
    seen, cursor = [], ""
    while True:
        page = customer_page(CustomerFilters.from_args({**args, "size": 3, "cursor": cursor}))
        seen += [row.id for row in page.items]
        if not page.has_next:
            return seen
        cursor = page.next_cursor


@pytest.mark.parametrize("term", ["cloud", "clo", "firm 1", "kühn1", "@kühn0.ex"])
@pytest.mark.parametrize("direction", ["desc", "asc"])
@pytest.mark.parametrize("status", ["", "active"])
def test_a_walk_finds_the_same_rows_page_by_page(many, monkeypatch, term, direction, status):
    args = {"q": term, "dir": direction, "status": status}
    monkeypatch.setattr(search, "trigram_shares", lambda: TrigramShares([]))  # never walks
    expected = _every_page(args)
    monkeypatch.setattr(search, "trigram_shares", lambda: AlwaysWalk(SAMPLE))
    shape, params = _shape_and_params(CustomerFilters.from_args(args), 4)
    assert shape.search == "walk" and params["q_term"] == term
    assert _every_page(args) == expected and expected


def test_a_walked_page_is_one_statement_holding_only_the_whole_term(
    many, monkeypatch, count_queries
):
    monkeypatch.setattr(search, "trigram_shares", lambda: AlwaysWalk(SAMPLE))
    with count_queries() as counter:
        page = customer_page(CustomerFilters.from_args({"q": "cloud"}))
    assert counter.count == 1 and "customer_trigrams" in counter.statements[0]
    names = [row.name for row in page.items]
    assert names == [f"Cloud Firm {i}" for i in (12, 9, 6, 3, 0)]  # no "Clown"
    by_name = CustomerFilters.from_args({"q": "cloud", "sort": "name"})
    assert _shape_and_params(by_name, 51)[0].search != "walk"  # postings are in id order only
