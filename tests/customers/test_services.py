"""Customer services: numbering, audited edits, billing-only edits, deactivate vs delete,
contacts, notes and the timeline."""

import pytest
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.customers import services
from cloudmanager.customers.contacts import add_contact, remove_contact, update_contact
from cloudmanager.customers.models import Customer
from cloudmanager.customers.timeline import customer_timeline


def audit_actions(customer):
    return [
        e.action
        for e in AuditEntry.query.filter_by(object_type="customer", object_id=str(customer.id))
        .order_by(AuditEntry.id)
        .all()
    ]


def test_customer_numbers_are_readable_and_sequential(make_customer):
    first, second = make_customer(), make_customer()
    assert first.number == "C-000001"
    assert second.number == "C-000002"


def test_reserving_numbers_in_bulk_hands_out_a_contiguous_block(db, make_customer):
    make_customer()
    assert services.reserve_numbers(3) == ["C-000002", "C-000003", "C-000004"]


def test_create_is_audited_with_the_values(make_customer):
    customer = make_customer(name="Audit Me Ltd")
    entry = AuditEntry.query.filter_by(action="customer.created").one()
    assert entry.object_id == str(customer.id)
    assert entry.after["name"] == "Audit Me Ltd"


def test_update_audits_only_changed_fields_before_and_after(db, users, make_customer):
    customer = make_customer(name="Old Name", city="Berlin")
    data = {**_all(customer), "name": "New Name"}
    changes = services.update_customer(customer, data, by=users["manager"])
    db.session.commit()
    assert changes == {"name": ["Old Name", "New Name"]}
    entry = AuditEntry.query.filter_by(action="customer.updated").one()
    assert entry.before == {"name": "Old Name"} and entry.after == {"name": "New Name"}
    assert entry.actor_id == users["manager"].id


def test_update_without_changes_writes_no_audit_entry(db, users, make_customer):
    customer = make_customer()
    services.update_customer(customer, _all(customer), by=users["manager"])
    assert "customer.updated" not in audit_actions(customer)


def test_billing_update_ignores_non_billing_fields(db, users, make_customer):
    customer = make_customer(name="Keep Me", city="Berlin")
    data = {**_all(customer), "name": "Changed", "city": "Hamburg"}
    services.update_billing(customer, data, by=users["accountant"])
    assert customer.name == "Keep Me" and customer.city == "Hamburg"


def test_deactivate_keeps_the_customer_and_audits(db, users, make_customer):
    customer = make_customer()
    services.set_customer_status(customer, "inactive", by=users["manager"])
    db.session.commit()
    assert db.session.get(Customer, customer.id).status == "inactive"
    assert "customer.deactivated" in audit_actions(customer)


def test_customer_without_history_can_be_deleted(db, users, make_customer):
    customer = make_customer()
    customer_id = customer.id
    services.delete_customer(customer, by=users["admin"])
    db.session.commit()
    assert db.session.get(Customer, customer_id) is None
    assert AuditEntry.query.filter_by(action="customer.deleted").count() == 1


def test_customer_with_history_cannot_be_deleted(db, users, make_customer, monkeypatch):
    customer = make_customer(name="Has Invoices")
    monkeypatch.setattr(services, "HISTORY_CHECKS", [lambda c: "3 invoices"])
    assert services.customer_has_history(customer)
    with pytest.raises(Conflict) as info:
        services.delete_customer(customer, by=users["admin"])
    assert "deactivate" in info.value.message and "3 invoices" in info.value.message


def test_history_checks_only_report_reasons_that_apply(db, make_customer, monkeypatch):
    customer = make_customer()
    monkeypatch.setattr(services, "HISTORY_CHECKS", [])
    services.register_history_check(lambda c: None)
    services.register_history_check(lambda c: "1 ticket")
    assert services.history_reasons(customer) == ["1 ticket"]


def test_first_contact_becomes_primary_and_only_one_stays_primary(db, users, make_customer):
    customer = make_customer()
    first = add_contact(customer, {"name": "Ann", "email": "ann@x.example"}, by=users["manager"])
    second = add_contact(customer, {"name": "Ben", "is_primary": True}, by=users["manager"])
    db.session.commit()
    assert second.is_primary and not first.is_primary
    assert sum(c.is_primary for c in customer.contacts) == 1


def test_removing_the_primary_contact_promotes_another(db, users, make_customer):
    customer = make_customer()
    first = add_contact(customer, {"name": "Ann"}, by=users["manager"])
    add_contact(customer, {"name": "Ben"}, by=users["manager"])
    remove_contact(first, by=users["manager"])
    db.session.commit()
    assert [c.name for c in customer.contacts if c.is_primary] == ["Ben"]


def test_contact_rules_need_email_for_invoices_and_phone_for_sms(db, users, make_customer):
    customer = make_customer()
    with pytest.raises(ValidationFailed) as info:
        add_contact(
            customer, {"name": "X", "receives_invoices": True, "receives_sms": True}, by=None
        )
    assert set(info.value.errors) == {"email", "phone"}


def test_contact_changes_are_audited_on_the_customer_timeline(db, users, make_customer):
    customer = make_customer()
    contact = add_contact(customer, {"name": "Ann", "email": "ann@x.example"}, by=users["manager"])
    update_contact(contact, {"name": "Ann Smith", "email": "ann@x.example"}, by=users["manager"])
    remove_contact(contact, by=users["manager"])
    db.session.commit()
    assert audit_actions(customer)[-3:] == ["contact.added", "contact.updated", "contact.removed"]
    titles = [item.title for item in customer_timeline(customer)]
    assert {"Contact added", "Contact changed", "Contact removed"} <= set(titles)


def test_contact_search_text_follows_contact_changes(db, users, make_customer):
    customer = make_customer()
    contact = add_contact(customer, {"name": "Zed", "email": "zed@x.example"}, by=None)
    assert "zed@x.example" in customer.search_text
    remove_contact(contact, by=None)
    assert "zed@x.example" not in customer.search_text


def test_timeline_merges_notes_and_changes_newest_first(db, users, make_customer):
    customer = make_customer()
    services.add_note(customer, "Called about renewal", by=users["agent"])
    db.session.commit()
    items = customer_timeline(customer)
    assert items[0].kind == "note" and items[0].body == "Called about renewal"
    assert items[-1].title == "Customer created"
    assert [i for i in items if i.kind == "audit" and "note" in i.title.lower()] == []


def test_empty_note_is_refused(db, users, make_customer):
    customer = make_customer()
    with pytest.raises(ValidationFailed):
        services.add_note(customer, "   ", by=users["agent"])


def test_deleting_a_customer_removes_contacts_and_notes(db, users, make_customer):
    customer = make_customer()
    add_contact(customer, {"name": "Ann"}, by=None)
    services.add_note(customer, "hello", by=None)
    db.session.commit()
    services.delete_customer(customer, by=users["admin"])
    db.session.commit()
    from cloudmanager.customers.models import Contact, CustomerNote

    assert db.session.scalars(select(Contact)).all() == []
    assert db.session.scalars(select(CustomerNote)).all() == []


def _all(customer):
    data = {name: getattr(customer, name) for name in services.ALL_FIELDS if name != "tags"}
    return {**data, "tags": customer.tags}
