"""Sort headers and the pager of list pages (`core/list_links.py`)."""

from types import SimpleNamespace

from flask import render_template_string

from cloudmanager.core.list_links import pager, sort_header_row

NAME = (("Name", "name", ""),)


def test_an_idle_column_sorts_ascending_from_page_one(app):
    with app.test_request_context("/customers/?cursor=abc"):
        html = sort_header_row(NAME, "number", "desc", params={"q": "a&b", "cursor": "abc"})
    assert 'href="/customers/?q=a%26b&amp;sort=name&amp;dir=asc"' in html
    assert "aria-sort" not in html and "sort-idle" in html


def test_the_current_column_shows_its_direction_and_toggles_it(app):
    with app.test_request_context("/customers/"):
        ascending = sort_header_row(NAME, "name", "asc", endpoint="customers.index")
        descending = sort_header_row(NAME, "name", "desc", endpoint="customers.index")
    assert 'aria-sort="ascending"' in ascending and "dir=desc" in ascending
    assert "bi-caret-up-fill" in ascending
    assert 'aria-sort="descending"' in descending and "dir=asc" in descending
    assert "bi-caret-down-fill" in descending


def test_labels_and_classes_are_escaped_and_a_column_without_key_has_no_link(app):
    columns = (("<b>Created</b>", "created", "text-end"), ("E&mail", None, ""))
    with app.test_request_context("/customers/"):
        html = render_template_string(
            '{{ sort_header_row(columns, None, endpoint="customers.index") }}', columns=columns
        )
    created, email = html.split("</th>")[:2]
    assert created.startswith('<th scope="col" class="text-end">')
    assert "&lt;b&gt;Created&lt;/b&gt;" in created and "sort=created" in created
    assert email == '<th scope="col">E&amp;mail'
    assert html.count("<a ") == 1


def test_a_single_page_has_no_pager(app):
    page = SimpleNamespace(items=[1], has_next=False, next_cursor=None)
    with app.test_request_context("/customers/"):
        assert pager(page) == ""


def test_the_pager_keeps_filters_and_swaps_the_target(app):
    page = SimpleNamespace(items=[1, 2], has_next=True, next_cursor="xyz")
    params = {"q": "cloud", "cursor": "old"}
    with app.test_request_context("/customers/?q=cloud"):
        html = pager(page, endpoint="customers.index", params=params, target="#results")
    assert "2 shown" in html
    next_link = (
        'href="/customers/?q=cloud&amp;cursor=xyz" hx-get="/customers/?q=cloud&amp;cursor=xyz"'
    )
    assert next_link in html and 'hx-target="#results"' in html
    # on page one, "First" leads nowhere: disabled, out of the tab order, no swap
    first = html.split("First")[0]
    assert 'aria-disabled="true" tabindex="-1"' in first and "hx-get" not in first
