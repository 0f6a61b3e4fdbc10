"""Customer pages through the test client: live search, forms with 422, contacts, notes,
status, delete, tabs and the streamed export."""

import csv
import io

import pytest

from cloudmanager.customers.models import Customer

HX = {"HX-Request": "true"}


def form(customer_data, **overrides):
    return customer_data(**overrides)


def test_live_search_fragment_narrows_the_table(client, login_as, make_customer):
    make_customer(name="Alpha Hosting")
    make_customer(name="Beta Storage")
    login_as("agent")
    full = client.get("/customers/")
    assert b"Alpha Hosting" in full.data and b"Beta Storage" in full.data
    assert b'hx-trigger="input changed delay:300ms, search"' in full.data
    narrowed = client.get("/customers/?q=alpha", headers=HX)
    assert b"Alpha Hosting" in narrowed.data and b"Beta Storage" not in narrowed.data
    assert b"<html" not in narrowed.data  # the fragment only
    assert "HX-Request" in narrowed.headers["Vary"]


def test_search_by_contact_email_finds_the_customer(client, db, login_as, make_customer):
    from cloudmanager.customers.contacts import add_contact

    customer = make_customer(name="Gamma Compute")
    make_customer(name="Delta Mail")
    add_contact(customer, {"name": "Pat", "email": "pat@gamma-finance.example"}, by=None)
    db.session.commit()
    login_as("agent")
    response = client.get("/customers/?q=pat@gamma", headers=HX)
    assert b"Gamma Compute" in response.data and b"Delta Mail" not in response.data


def test_empty_search_shows_an_empty_state(client, login_as, make_customer):
    make_customer()
    login_as("agent")
    assert b"No customers match" in client.get("/customers/?q=zzzz").data


def test_an_empty_list_offers_the_first_customer(client, login_as):
    login_as("manager")
    page = client.get("/customers/").get_data(as_text=True)
    assert "No customers yet" in page and 'href="/customers/new"' in page


def test_create_with_invalid_email_rerenders_form_with_422(client, login_as, customer_data):
    login_as("manager")
    response = client.post("/customers/new", data=form(customer_data, email="nope"), headers=HX)
    assert response.status_code == 422
    assert b'id="email-error"' in response.data and b"valid email" in response.data
    assert b'aria-invalid="true"' in response.data
    assert Customer.query.count() == 0


def test_fixing_the_email_saves_and_redirects_to_the_customer(client, login_as, customer_data):
    login_as("manager")
    client.post("/customers/new", data=form(customer_data, email="nope"), headers=HX)
    response = client.post("/customers/new", data=form(customer_data), headers=HX)
    customer = Customer.query.one()
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/customers/{customer.id}"
    page = client.get(f"/customers/{customer.id}")
    assert b"Acme Cloud GmbH" in page.data and b"C-000001" in page.data


def test_form_without_htmx_answers_a_full_page_with_422(client, login_as, customer_data):
    login_as("manager")
    response = client.post("/customers/new", data=form(customer_data, country="ZZ"))
    assert response.status_code == 422
    assert b"<html" in response.data and b"ISO 3166" in response.data


def test_edit_shows_the_change_on_the_timeline(client, login_as, make_customer, customer_data):
    customer = make_customer(name="Before Ltd")
    login_as("manager")
    data = form(customer_data, name="After Ltd", email=customer.email)
    assert client.post(f"/customers/{customer.id}/edit", data=data).status_code == 302
    page = client.get(f"/customers/{customer.id}").data.decode()
    assert "Details changed" in page and "Before Ltd" in page and "After Ltd" in page


def test_accountant_billing_form_has_no_name_field(client, login_as, make_customer):
    customer = make_customer()
    login_as("accountant")
    page = client.get(f"/customers/{customer.id}/billing").data
    assert b'name="vat_id"' in page and b'name="name"' not in page


def test_contact_added_through_the_form(client, login_as, make_customer):
    customer = make_customer()
    login_as("manager")
    data = {"name": "Lena Vogel", "email": "lena@acme.example", "phone": "+49 151 23456789"}
    response = client.post(f"/customers/{customer.id}/contacts/new", data=data)
    assert response.status_code == 302
    assert customer.contacts[0].phone == "+4915123456789" and customer.contacts[0].is_primary


def test_contact_of_another_customer_is_not_found(client, db, login_as, make_customer):
    from cloudmanager.customers.contacts import add_contact

    mine, other = make_customer(), make_customer()
    contact = add_contact(other, {"name": "Other"}, by=None)
    db.session.commit()
    login_as("manager")
    assert client.get(f"/customers/{mine.id}/contacts/{contact.id}/edit").status_code == 404


def test_note_appears_on_the_timeline(client, login_as, make_customer):
    customer = make_customer()
    login_as("agent")
    client.post(f"/customers/{customer.id}/notes", data={"body": "Prefers phone calls"})
    assert b"Prefers phone calls" in client.get(f"/customers/{customer.id}").data


def test_deactivate_then_delete_without_history(client, db, login_as, make_customer):
    customer = make_customer()
    customer_id = customer.id
    login_as("admin")
    client.post(f"/customers/{customer_id}/deactivate")
    assert db.session.get(Customer, customer_id).status == "inactive"
    assert client.post(f"/customers/{customer_id}/delete").status_code == 302
    assert db.session.get(Customer, customer_id) is None


def test_delete_with_history_answers_409_and_keeps_the_customer(
    client, db, login_as, make_customer, monkeypatch
):
    from cloudmanager.customers import services

    monkeypatch.setattr(services, "HISTORY_CHECKS", [lambda c: "2 invoices"])
    customer = make_customer()
    login_as("admin")
    response = client.post(f"/customers/{customer.id}/delete")
    assert response.status_code == 409 and b"deactivate" in response.data
    assert db.session.get(Customer, customer.id) is not None


@pytest.fixture
def unclaimed_tab():
    """A placeholder tab that no module has claimed yet."""
    from cloudmanager.customers import tabs

    placeholder = tabs.CustomerTab("later", "Later", "hourglass")
    tabs.CUSTOMER_TABS.append(placeholder)
    yield placeholder
    tabs.CUSTOMER_TABS.remove(placeholder)


def test_tabs_show_coming_soon_until_a_module_registers(
    client, login_as, make_customer, unclaimed_tab
):
    customer = make_customer()
    login_as("agent")
    page = client.get(f"/customers/{customer.id}").data
    for key in ("services", "orders", "invoices", "tickets", "later"):
        assert f"/customers/{customer.id}/tabs/{key}".encode() in page
    assert b"coming soon" in client.get(f"/customers/{customer.id}/tabs/later", headers=HX).data
    assert client.get(f"/customers/{customer.id}/tabs/nope").status_code == 404


def test_registered_tab_renders_its_own_content(client, login_as, make_customer, monkeypatch):
    from cloudmanager.customers import tabs

    monkeypatch.setattr(tabs, "CUSTOMER_TABS", list(tabs.CUSTOMER_TABS))
    monkeypatch.setattr("cloudmanager.customers.views.CUSTOMER_TABS", tabs.CUSTOMER_TABS)
    tabs.register_customer_tab(
        tabs.CustomerTab("orders", "Orders", "cart", render=lambda c: "3 orders")
    )
    customer = make_customer()
    login_as("agent")
    assert client.get(f"/customers/{customer.id}/tabs/orders").data == b"3 orders"


def test_export_streams_the_filtered_list_as_csv(client, login_as, make_customer):
    make_customer(name="Export Me", tags="vip")
    make_customer(name="Skip Me")
    login_as("manager")
    response = client.get("/customers/export.csv?tag=vip")
    assert response.is_streamed and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["name"] for row in rows] == ["Export Me"]
    assert rows[0]["tags"] == "vip" and rows[0]["number"] == "C-000001"


def test_export_neutralizes_spreadsheet_formulas(client, login_as, make_customer):
    make_customer(name="=HYPERLINK(1)")
    login_as("manager")
    text = client.get("/customers/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text


def test_export_pages_through_more_rows_than_one_chunk(db, app, make_customer, monkeypatch):
    from cloudmanager.customers import search
    from cloudmanager.customers.filters import CustomerFilters

    for _ in range(5):
        make_customer()
    rows = list(search.export_rows(CustomerFilters(), chunk=2))
    assert len(rows) == 5 and len({row[0] for row in rows}) == 5
