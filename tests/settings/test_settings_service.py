"""The settings service: defaults for a fresh install, checked values, audit, cache."""

import pytest
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.settings.services import (
    DEFAULTS,
    format_invoice_number,
    get_setting,
    get_settings,
    update_settings,
)
from cloudmanager.settings.validation import RULES


def test_every_setting_has_a_rule_and_its_default_passes_it(app):
    for key, default in DEFAULTS.items():
        assert key in RULES, key
        assert RULES[key](default) == default, key


def test_a_fresh_install_reads_defaults(app):
    assert get_setting("invoicing.payment_terms_days") == 14
    assert get_settings("helpdesk")["sla"]["premium"]["urgent"] == [1, 4]


@pytest.mark.parametrize(
    "key, value",
    [
        ("locale.currency", "EURO"),
        ("company.iban", "DE89 3704 0044 0532 0130 01"),
        ("company.bic", "COBA"),
        ("company.email", "not-an-address"),
        ("company.country", "Germany"),
        ("invoicing.payment_terms_days", -1),
        ("invoicing.reminder_days_after", "7, x"),
        ("helpdesk.business_hours", {"mon": "17:00-09:00"}),
        ("helpdesk.holidays", "2026-13-01"),
        ("helpdesk.timezone", "Mars/Olympus"),
        ("helpdesk.department_calendars", {"Billing": {"business_hours": {"tue": "9-5"}}}),
        ("helpdesk.department_calendars", {"Billing": {"timezone": "Mars/Olympus"}}),
        ("helpdesk.department_calendars", {"Billing": {"holidays": ["2026-02-30"]}}),
        ("helpdesk.department_calendars", ["Billing"]),
        (
            "helpdesk.department_calendars",
            {"Billing": {"holidays": ["2026-12-24"], "works_holidays": True}},
        ),
        ("helpdesk.department_members", {"Billing": ["someone"]}),
        ("helpdesk.department_members", {"Billing": 7}),
        ("notifications.email_events", ["invoice_burned"]),
        ("security.session_idle_minutes", 0),
    ],
)
def test_invalid_values_are_refused_with_a_message(app, key, value):
    with pytest.raises(ValidationFailed) as caught:
        update_settings({key: value})
    assert caught.value.errors[key]


def test_department_settings_keep_only_what_a_department_sets_itself(db):
    update_settings(
        {
            "helpdesk.department_calendars": {
                "Billing": {"timezone": " UTC ", "business_hours": {"mon": "08:00-12:00"}},
                "Sales": {"timezone": "", "business_hours": {}, "holidays": ""},
            },
            "helpdesk.department_members": {"Billing": ["3", 1, 3], "Sales": []},
        }
    )
    calendars = get_setting("helpdesk.department_calendars")
    assert list(calendars) == ["Billing"]
    assert calendars["Billing"]["timezone"] == "UTC" and calendars["Billing"]["holidays"] == []
    assert calendars["Billing"]["business_hours"]["mon"] == "08:00-12:00"
    assert calendars["Billing"]["business_hours"]["tue"] == ""
    assert get_setting("helpdesk.department_members") == {"Billing": [1, 3]}


def test_valid_iban_is_stored_without_spaces(db):
    update_settings({"company.iban": "DE89 3704 0044 0532 0130 00"})
    assert get_setting("company.iban") == "DE89370400440532013000"


def test_one_bad_value_stores_none_of_the_others(db):
    with pytest.raises(ValidationFailed):
        update_settings({"company.legal_name": "New GmbH", "locale.currency": "XYZ"})
    db.session.rollback()
    assert get_setting("company.legal_name") == DEFAULTS["company.legal_name"]


def test_each_change_is_audited_with_before_and_after(db, users):
    update_settings(
        {"invoicing.payment_terms_days": 30, "invoicing.number_prefix": "INV-"},
        by=users["accountant"],
    )
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "settings.changed"))
    [entry] = list(entries)
    assert entry.before == {"invoicing.payment_terms_days": 14}
    assert entry.after == {"invoicing.payment_terms_days": 30}
    assert entry.actor_id == users["accountant"].id


def test_a_change_is_read_back_at_once(db):
    assert get_setting("locale.currency") == "EUR"
    update_settings({"locale.currency": "CHF"})
    db.session.commit()
    assert get_setting("locale.currency") == "CHF"


def test_invoice_numbers_follow_prefix_digits_and_yearly_reset(db):
    assert format_invoice_number(42, year=2026) == "INV-2026-00042"
    update_settings(
        {
            "invoicing.yearly_reset": False,
            "invoicing.number_digits": 6,
            "invoicing.number_prefix": "RE",
        }
    )
    assert format_invoice_number(42, year=2026) == "RE000042"


def test_cache_is_forgotten_again_when_the_change_commits(db):
    from cloudmanager.settings import services

    update_settings({"locale.currency": "GBP"})
    services._cache = {}  # another request reloaded the old values before the commit
    services._cache_loaded_at = float("inf")
    db.session.commit()
    assert get_setting("locale.currency") == "GBP"


def test_a_request_sees_a_change_made_by_another_process(db, client, login_as):
    from cloudmanager.settings.models import Setting

    login_as("admin")
    assert b"CloudManager Demo GmbH" in client.get("/settings/company").data
    db.session.add(Setting(key="company.legal_name", value="Changed Elsewhere AG"))
    db.session.commit()  # as another worker would: no invalidate_cache() in this process
    assert b"Changed Elsewhere AG" in client.get("/settings/company").data


def test_each_request_reads_the_settings_once(db, client, login_as, count_queries):
    login_as("admin")
    client.get("/settings/")
    with count_queries() as counter:  # as in a process that has not read them yet
        client.get("/settings/company")
    assert sum("settings.value" in sql for sql in counter.statements) == 1


def test_a_staff_page_with_unchanged_settings_reads_only_their_stamp(
    db, client, login_as, count_queries
):
    login_as("admin")
    with count_queries() as counter:  # (which forgets the settings first)
        client.get("/settings/")
        first = len(counter.statements)
        client.get("/settings/company")
    second = counter.statements[first:]
    assert not any("settings.value" in sql for sql in second)
    # The stamps come with the pool's connection check, on the driver's cursor.
    assert not any("change_stamps" in sql for sql in second)


def test_a_change_of_an_existing_row_elsewhere_is_seen_at_the_next_request(db, client, login_as):
    from cloudmanager.settings import services

    update_settings({"company.legal_name": "First AG"})
    db.session.commit()
    login_as("admin")
    assert b"First AG" in client.get("/settings/company").data
    stale = services.STORED._kept
    update_settings({"company.legal_name": "Second AG"})
    db.session.commit()
    services.STORED._kept = stale  # this process still holds the values of the old stamp
    assert b"Second AG" in client.get("/settings/company").data


def test_every_change_moves_the_stamp_even_when_the_clock_goes_back(db, monkeypatch):
    from datetime import timedelta

    from cloudmanager.core.change_stamps import ChangeStamp
    from cloudmanager.settings import services

    def stamp():
        return db.session.get(ChangeStamp, "settings", populate_existing=True).counter

    update_settings({"company.legal_name": "First AG"})
    db.session.commit()
    first = stamp()
    earlier = services.utcnow() - timedelta(hours=1)
    monkeypatch.setattr(services, "utcnow", lambda: earlier)
    update_settings({"company.email": "accounts@example.com"})
    db.session.commit()
    assert stamp() > first
