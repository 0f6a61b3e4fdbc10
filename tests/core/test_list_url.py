"""`list_url`: the links of list pages, the same as url_for builds them."""

import pytest
from flask import url_for

from cloudmanager.core.urls import list_url


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "name", "dir": "desc"},
        {"q": "Kühn & Söhne GmbH", "cursor": "eyJhIjoxfQ", "status": None},
        {"q": "50% off / a+b=c?#x", "tag": "vip"},
        {"status": ["active", "inactive"]},
    ],
)
def test_it_builds_what_url_for_builds(app, params):
    with app.test_request_context("/"):
        assert list_url("customers.index", params) == url_for("customers.index", **params)


def test_an_endpoint_with_url_arguments_goes_through_url_for(app):
    with app.test_request_context("/"):
        built = list_url("customers.detail", {"customer_id": 7, "tab": "notes"})
        assert built == url_for("customers.detail", customer_id=7, tab="notes")


def test_a_remembered_link_follows_its_parameters(app):
    with app.test_request_context("/"):
        params = {"q": "cloud", "sort": "name"}
        first = list_url("customers.index", params)
        params["sort"] = "number"
        assert list_url("customers.index", params) == url_for("customers.index", **params)
        assert list_url("customers.index", {"q": "cloud", "sort": "name"}) == first
        listed = {"status": ["active", "inactive"]}
        assert list_url("customers.index", listed) == list_url("customers.index", listed)
