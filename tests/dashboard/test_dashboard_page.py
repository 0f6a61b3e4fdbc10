"""The dashboard: figures from registered providers, empty state, admin panels."""

import pytest

from cloudmanager.dashboard import cards
from cloudmanager.dashboard.cards import StatCard, dashboard_cards, register_cards


@pytest.fixture
def providers(monkeypatch):
    """An empty provider registry for the test."""
    monkeypatch.setattr(cards, "PROVIDERS", [])
    return cards.PROVIDERS


def test_dashboard_without_figures_shows_the_empty_state(client, login_as, providers):
    login_as("agent")
    html = client.get("/").get_data(as_text=True)
    assert "Nothing to report yet" in html


def test_dashboard_shows_registered_cards_in_order(client, login_as, providers):
    register_cards(lambda user: [StatCard("Open tickets", 14, order=50, url="/t")])
    register_cards(lambda user: [StatCard("Overdue invoices", 3, order=10, tone="danger")])
    login_as("agent")
    html = client.get("/").get_data(as_text=True)
    assert "Nothing to report yet" not in html
    assert html.index("Overdue invoices") < html.index("Open tickets")
    assert 'href="/t"' in html
    assert "stat-card-danger" in html


def test_cards_of_a_provider_are_hidden_from_roles_without_its_permission(app, users, providers):
    register_cards(lambda user: [StatCard("Failed jobs", 2)], permission="jobs.view")
    assert [card.label for card in dashboard_cards(users["admin"])] == ["Failed jobs"]
    assert dashboard_cards(users["agent"]) == []


def test_registering_the_same_provider_twice_keeps_one(providers):
    def provider(user):
        return []

    register_cards(provider)
    register_cards(provider)
    assert len(providers) == 1


def test_admin_sees_system_health_and_recent_activity(client, login_as):
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert "System health" in html
    assert "Recent activity" in html
    assert "User created" in html  # the audit entry of the admin's own creation


def test_agent_sees_neither_system_health_nor_the_audit_log(client, login_as):
    login_as("agent")
    html = client.get("/").get_data(as_text=True)
    assert "System health" not in html
    assert "Recent activity" not in html


def test_dashboard_query_count_does_not_grow_with_the_audit_log(
    client, db, login_as, make_user, count_queries
):
    login_as("admin")
    client.get("/")  # warm the settings cache
    db.session.expire_all()
    with count_queries() as few:
        client.get("/")
    for _ in range(8):
        make_user("agent")
    db.session.expire_all()
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count
