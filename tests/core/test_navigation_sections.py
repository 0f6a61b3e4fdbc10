"""The sidebar: entries filtered by role, grouped by section, the current one marked."""

import pytest
from flask_login import login_user

from cloudmanager.core import navigation
from cloudmanager.core.navigation import NavItem, navigation_sections, visible_navigation


@pytest.fixture
def entries(monkeypatch):
    """A navigation with entries in two sections, for the test only."""
    monkeypatch.setattr(
        navigation,
        "NAVIGATION",
        [
            NavItem("Dashboard", "speedometer2", "dashboard.index", "dashboard.view", order=0),
            NavItem("Jobs", "cpu", "dashboard.jobs", "jobs.view", "admin", order=950),
        ],
    )


def sections_for(app, user, path):
    with app.test_request_context(path):
        login_user(user)
        return navigation_sections()


def test_sections_follow_the_order_of_their_entries(app, users, entries):
    sections = sections_for(app, users["admin"], "/")
    assert [(s["key"], s["label"]) for s in sections] == [
        ("main", ""),
        ("admin", "Administration"),
    ]


def test_a_role_without_the_permission_does_not_see_the_entry_or_its_section(app, users, entries):
    sections = sections_for(app, users["agent"], "/")
    assert [s["key"] for s in sections] == ["main"]


def test_only_the_current_page_is_marked_active(app, users, entries):
    with app.test_request_context("/jobs"):
        login_user(users["admin"])
        items = visible_navigation()
    assert [item["label"] for item in items if item["active"]] == ["Jobs"]


def test_a_page_without_its_own_entry_marks_the_first_entry_of_its_blueprint(app, users, entries):
    with app.test_request_context("/healthz"):
        login_user(users["admin"])
        items = visible_navigation()
    assert [item["label"] for item in items if item["active"]] == ["Dashboard"]
