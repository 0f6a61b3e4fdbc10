"""Templates keep to our CSP, and the shared macros render what pages rely on."""

import re
from pathlib import Path

import pytest
from flask import render_template_string

from cloudmanager.core.templating import format_date, initials

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PAGE_TEMPLATES = [
    p for p in TEMPLATES.rglob("*.html") if "email" not in p.parts and "pdf" not in p.parts
]


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_page_templates_have_no_inline_code(path):
    text = path.read_text()
    assert not re.search(r"\sstyle\s*=", text), "style= attribute (CSP forbids inline styles)"
    assert not re.search(r"<style[\s>]", text), "<style> block"
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\s(hx-on|data-hx-on)[:\-=]", text), "hx-on (needs eval)"
    assert not re.search(
        r"\son(click|change|submit|load|input|key\w+|focus|blur|error|mouse\w+)\s*=", text
    ), "inline event handler"


@pytest.mark.parametrize(
    "name, expected",
    [("Ada Lovelace", "AL"), ("ada", "A"), ("Jean-Luc  de la Barre", "JB"), ("", "?"), (None, "?")],
)
def test_initials_for_avatars(name, expected):
    assert initials(name) == expected


def render(source, **context):
    return render_template_string(source, **context)


@pytest.mark.parametrize("month", range(1, 13))
def test_dates_in_the_default_format_read_as_strftime_writes_them(month):
    from datetime import date, datetime

    for value in (date(2026, month, 3), datetime(999, month, 28, 23, 59)):
        assert format_date(value) == value.strftime("%d %b %Y")
    assert format_date(None) == ""


def test_status_badge_colours_known_statuses_and_labels_them(app):
    with app.test_request_context():
        html = render(
            '{% from "macros/ui.html" import status_badge %}{{ status_badge("overdue") }}'
        )
    assert "badge-soft-danger" in html
    assert "Overdue" in html


def test_status_badge_falls_back_to_a_neutral_colour(app):
    with app.test_request_context():
        html = render('{% from "macros/ui.html" import status_badge %}{{ status_badge("weird") }}')
    assert "badge-soft-secondary" in html


def test_progress_is_a_progress_element_without_style_attributes(app):
    with app.test_request_context():
        html = render('{% from "macros/ui.html" import progress %}{{ progress(3, 4, "Import") }}')
    assert '<progress value="3" max="4" aria-label="Import">' in html
    assert "75%" in html
    assert "style=" not in html


def test_page_header_renders_actions_and_caller_buttons(app):
    source = (
        '{% from "macros/ui.html" import page_header %}'
        '{% call page_header("Customers", "All of them", actions=[{"label": "New", "url": "/n",'
        ' "icon": "plus-lg"}]) %}<button class="btn">Export</button>{% endcall %}'
    )
    with app.test_request_context():
        html = render(source)
    assert '<h1 class="page-title">Customers</h1>' in html
    assert 'href="/n"' in html and "Export" in html


def test_stat_card_is_a_link_only_with_a_url(app):
    source = '{% from "macros/ui.html" import stat_card %}{{ stat_card("A", 1) }}{{ stat_card("B", 2, url="/b") }}'
    with app.test_request_context():
        html = render(source)
    assert html.count("<a ") == 1 and 'href="/b"' in html


def test_flash_messages_render_as_toasts_with_their_level(client, login_as):
    login_as("agent")
    with client.session_transaction() as session:
        session["_flashes"] = [("error", "Could not save."), ("success", "Saved.")]
    html = client.get("/").get_data(as_text=True)
    assert 'cm-toast-danger" role="alert"' in html
    assert 'cm-toast-success" role="status"' in html


def test_portal_layout_renders_without_a_portal_blueprint(app):
    source = '{% extends "layouts/portal.html" %}{% block content %}<h1>Hi</h1>{% endblock %}'
    with app.test_request_context():
        html = render(source)
    assert "Customer portal" in html and "<h1>Hi</h1>" in html


def test_pager_marks_unavailable_links_as_disabled_for_keyboards(app):
    from types import SimpleNamespace

    page = SimpleNamespace(items=[1, 2], has_next=False, next_cursor=None)
    source = '{{ pager(page, endpoint="dashboard.jobs") }}'
    with app.test_request_context("/jobs?cursor=abc"):
        html = render(source, page=page)
    assert html.count('aria-disabled="true"') == 1
    assert 'href="/jobs"' in html  # "First" drops the cursor
