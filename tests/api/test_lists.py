"""Lists: keyset pages with opaque cursors, filters, `sort`, and problems for bad parameters."""

import pytest

from cloudmanager.customers.models import Customer
from tests.api.conftest import CUSTOMER


@pytest.fixture
def customers(api, db):
    """Five customers: C-000001 … C-000005, names in reverse order, the last one inactive."""
    made = []
    for n, name in enumerate(["Echo", "Delta", "Charlie", "Bravo", "Alpha"], start=1):
        country = "AT" if n % 2 else "DE"
        body = {**CUSTOMER, "name": name, "email": f"c{n}@acme.example", "country": country}
        body["vat_id"] = ""
        made.append(api.post("/customers", body).json)
    api.patch(f"/customers/{made[-1]['id']}", {"status": "inactive"})
    return made


def _walk(api, path, **params):
    """Every page of a list; returns the names and how many pages it took."""
    names, pages, cursor = [], 0, None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = api.get(path, query_string=query)
        assert response.status_code == 200, response.json
        names += [row["name"] for row in response.json["data"]]
        pages += 1
        cursor = response.json["next_cursor"]
        if cursor is None:
            return names, pages


def test_newest_first_by_default_in_pages(api, customers):
    names, pages = _walk(api, "/customers", limit=2)
    assert names == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"] and pages == 3


def test_sort_by_name_both_ways(api, customers):
    assert _walk(api, "/customers", sort="name", limit=2)[0] == sorted(names_of(customers))
    assert _walk(api, "/customers", sort="-name", limit=3)[0] == sorted(
        names_of(customers), reverse=True
    )


def names_of(rows):
    """The names of API rows."""
    return [row["name"] for row in rows]


def test_filters_narrow_the_list(api, customers):
    assert _walk(api, "/customers", status="inactive")[0] == ["Alpha"]
    assert _walk(api, "/customers", country="DE", sort="name")[0] == ["Bravo", "Delta"]
    assert _walk(api, "/customers", q="harl")[0] == ["Charlie"]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"sort": "email"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"status": "deleted"}, "status"),
        ({"country": "XX"}, "country"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"unknown": "1"}, "unknown"),
    ],
)
def test_bad_parameters_are_a_problem_with_the_field(api, customers, query, field):
    response = api.get("/customers", query_string=query)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [error["field"] for error in response.json["errors"]] == [field]


def test_a_cursor_only_works_with_its_own_sort(api, customers):
    cursor = api.get("/customers", query_string={"limit": 2}).json["next_cursor"]
    response = api.get("/customers", query_string={"cursor": cursor, "sort": "name"})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "cursor"


def test_a_cursor_only_works_on_its_own_list(api, customers):
    cursor = api.get("/customers", query_string={"limit": 2}).json["next_cursor"]
    response = api.get("/orders", query_string={"cursor": cursor})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "cursor"


def test_a_tampered_cursor_is_refused(api, customers):
    cursor = api.get("/customers", query_string={"limit": 2}).json["next_cursor"]
    response = api.get("/customers", query_string={"cursor": cursor[:-2] + "xx", "limit": 2})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "path, query",
    [
        ("/orders", {"created_from": "2026-02-30"}),
        ("/orders", {"created_to": "0"}),
        ("/invoices", {"date_from": "20260101"}),
        ("/tickets", {"updated_since": "2026-01-01T00:00:00"}),
        ("/services", {"due_before": "soon"}),
    ],
)
def test_dates_must_be_rfc_3339(api, path, query):
    response = api.get(path, query_string=query)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == next(iter(query))


def test_a_list_page_costs_the_same_queries_for_10_and_100_rows(api, db, count_queries):
    from cloudmanager.customers.services import create_customer

    api.get("/me")  # the token's first call of the minute also stamps `last_used_at`

    def measure(total):
        for n in range(total):
            data = {**CUSTOMER, "vat_id": "", "email": f"q{total}-{n}@acme.example"}
            create_customer({**data, "tags": ["bulk"]}, by=None)
        db.session.commit()
        with count_queries() as counter:
            page = api.get("/customers", query_string={"limit": 200, "tag": "bulk"}).json
        assert len(page["data"]) == db.session.query(Customer).count()
        return counter.count

    assert measure(10) == measure(90)
