"""PostgreSQL's trigram index reads the rarest part of a search term; the rows stay the same."""

import pytest

from cloudmanager.customers import search, search_narrowing
from cloudmanager.customers.filters import CustomerFilters
from cloudmanager.customers.search import _shape_and_params, customer_page
from cloudmanager.customers.search_narrowing import Sampled, TrigramShares, narrowest_part

# Every row shares "customer" and "example"; the numbers set them apart.
SAMPLE = [Sampled(f"firm {i} | customer{i}@example.eu") for i in range(1000, 1400)]


def test_a_term_is_narrowed_to_its_rarest_letters_and_digits():
    shares = TrigramShares(SAMPLE)
    part = narrowest_part("customer4242@", shares)
    assert part and part in "customer4242@" and part.isalnum() and "424" in part
    assert shares.narrowest_part("customer4242@") == part  # worked out once, same answer
    assert shares.narrowest_part("example") is None
    assert shares._parts == {"customer4242@": part, "example": None}  # both remembered


def test_a_term_whose_every_part_is_common_or_rare_stays_whole():
    shares = TrigramShares(SAMPLE)
    assert narrowest_part("example", shares) is None  # in every row: the whole term is best
    assert narrowest_part("zqxj", shares) is None  # rare throughout: nothing to gain
    assert narrowest_part("abc", shares) is None  # one trigram
    assert narrowest_part("customer4242@", TrigramShares([])) is None  # nothing known yet


def test_a_narrowed_search_finds_exactly_the_rows_holding_the_whole_term(
    db, make_customer, monkeypatch
):
    wanted = make_customer(name="Wanted Firm", email="customer4242@example.eu", vat_id="")
    make_customer(name="Same Digits 4242", email="other@example.eu", vat_id="")
    make_customer(name="Customer Only", email="customer1@example.eu", vat_id="")
    monkeypatch.setattr(search, "trigram_shares", lambda: TrigramShares(SAMPLE))
    filters = CustomerFilters.from_args({"q": "Customer4242@"})
    shape, params = _shape_and_params(filters)
    if db.engine.dialect.name == "postgresql":
        assert shape.search == "narrowed" and params["q_term"] == "customer4242@"
    assert [row.id for row in customer_page(filters).items] == [wanted.id]


def test_the_sample_is_read_from_the_customers_table(db, make_customer):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's FTS5 phrase search needs no sample")
    make_customer(name="Sampled Firm", vat_id="")
    search_narrowing._kept.clear()
    shares = search_narrowing.trigram_shares()
    assert shares.rows == 1 and shares.counts["sam"] == 1
    assert shares.sample[0][1:] == ("active", "DE", "reseller")
    assert search_narrowing.trigram_shares() is shares  # kept for a while
