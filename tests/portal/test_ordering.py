"""Portal ordering: the catalog, live totals with tax, a pending order through the staff services."""

from decimal import Decimal

from sqlalchemy import func, select

from cloudmanager.orders.models import Order, ServiceNotification

HX = {"HX-Request": "true"}


def test_the_catalog_shows_products_visible_in_the_portal_only(
    client, make_portal_user, portal_login, make_product
):
    from cloudmanager.products.services import archive_product

    portal_login(make_portal_user())
    make_product(name="Cloud Server S", setup_fee="5.00")
    make_product(name="Hidden internal plan", visible_in_portal=False)
    make_product(name="Inactive plan", active=False)
    make_product(name="Dollar plan", currency="USD")
    archive_product(make_product(name="Old plan"))
    make_product(name="Migration", kind="one_off", prices={}, one_off_price="390.00", stock=0)
    html = client.get("/portal/catalog").get_data(as_text=True)
    assert "Cloud Server S" in html and "5.00 EUR" in html and "10.00 EUR" in html
    assert "Migration" in html and "Out of stock" in html
    for hidden in ("Hidden internal", "Inactive plan", "Dollar plan", "Old plan"):
        assert hidden not in html


def test_an_empty_catalog_says_so(client, make_portal_user, portal_login):
    portal_login(make_portal_user())
    assert "Nothing to order right now" in client.get("/portal/catalog").get_data(as_text=True)


def test_the_form_shows_cycles_and_totals_with_tax_as_the_customer_types(
    client, make_portal_user, portal_login, make_product
):
    portal_login(make_portal_user())
    product = make_product(setup_fee="5.00")
    page = client.get(f"/portal/order?product_id={product.id}").get_data(as_text=True)
    assert '<option selected value="monthly">' in page and "17.85 EUR" in page  # (10+5)×1.19
    data = {"product_id": str(product.id), "cycle": "annual", "quantity": "2"}
    fragment = client.post("/portal/order/preview", data=data, headers=HX).get_data(as_text=True)
    assert "<html" not in fragment
    assert 'id="total-gross">249.90 EUR' in fragment  # (2×100 + 2×5) × 1.19
    assert client.post("/portal/order/preview", data=data).status_code == 404  # htmx only


def test_placing_an_order_creates_a_pending_order_and_queues_its_confirmation(
    client, db, make_portal_user, portal_login, make_product, jobs
):
    user = portal_login(make_portal_user())
    product = make_product()
    data = {"product_id": str(product.id), "cycle": "monthly", "quantity": "3"}
    response = client.post("/portal/order", data={**data, "unit_price": "0.01", "discount": "9"})
    assert response.status_code == 302
    order = db.session.scalar(select(Order))
    assert response.location.endswith(f"/portal/orders/{order.id}")
    assert order.status == "pending" and order.customer_id == user.customer_id
    line = order.lines[0]
    assert (line.quantity, line.unit_price, line.discount) == (3, Decimal("10.0000"), 0)
    assert not line.price_overridden and order.gross_total == Decimal("35.70")
    assert order.created_by_id is None and user.email in order.notes
    assert db.session.scalar(select(ServiceNotification.event)) == "order_confirmation"
    assert ("cloudmanager.orders.jobs.send_service_notification", (1,)) in jobs
    html = client.get(response.location).get_data(as_text=True)
    assert order.number in html and "Pending" in html and "35.70 EUR" in html


def test_accepting_a_portal_order_sends_no_second_confirmation(
    client, db, make_portal_user, portal_login, make_product, staff, jobs
):
    from cloudmanager.orders.accept import accept_order

    portal_login(make_portal_user())
    product = make_product()
    client.post("/portal/order", data={"product_id": str(product.id), "cycle": "monthly"})
    order = db.session.scalar(select(Order))
    accept_order(order, by=staff)
    db.session.commit()
    confirmations = select(func.count()).where(ServiceNotification.event == "order_confirmation")
    assert db.session.scalar(confirmations) == 1
    html = client.get(f"/portal/orders/{order.id}").get_data(as_text=True)
    assert "Accepted" in html and "/portal/invoices/" in html and "/portal/services/" in html


def test_products_outside_the_portal_catalog_cannot_be_ordered(
    client, db, make_portal_user, portal_login, make_product
):
    portal_login(make_portal_user())
    hidden = make_product(visible_in_portal=False)
    response = client.post("/portal/order", data={"product_id": str(hidden.id), "quantity": "1"})
    assert response.status_code == 422
    assert 'id="product_id-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_bad_quantities_and_cycles_are_shown_next_to_their_fields(
    client, db, make_portal_user, portal_login, make_product
):
    portal_login(make_portal_user())
    product = make_product(prices={"monthly": "10.00"})
    data = {"product_id": str(product.id), "cycle": "monthly", "quantity": "0"}
    html = client.post("/portal/order", data=data).get_data(as_text=True)
    assert 'id="quantity-error"' in html and "from 1 to 10000" in html
    data.update(cycle="annual", quantity="1")
    response = client.post("/portal/order", data=data)
    assert response.status_code == 422 and 'id="cycle-error"' in response.get_data(as_text=True)
    scarce = make_product(name="Rack unit", kind="one_off", prices={}, one_off_price="5", stock=2)
    data = {"product_id": str(scarce.id), "quantity": "3"}
    assert "Only 2 left." in client.post("/portal/order", data=data).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_a_deactivated_customer_is_told_above_the_form(
    client, db, make_portal_user, portal_login, make_product
):
    user = portal_login(make_portal_user())
    user.contact.customer.status = "inactive"
    db.session.commit()
    product = make_product()
    response = client.post("/portal/order", data={"product_id": str(product.id)})
    assert response.status_code == 422 and "deactivated" in response.get_data(as_text=True)


def test_staff_see_the_portal_order_pending(
    client, db, make_portal_user, portal_login, make_product, login_as
):
    user = portal_login(make_portal_user())
    product = make_product(name="Portal-ordered box")
    client.post("/portal/order", data={"product_id": str(product.id), "cycle": "monthly"})
    order = db.session.scalar(select(Order))
    client.post("/portal/logout")
    login_as("manager")
    listing = client.get("/orders/?status=pending").get_data(as_text=True)
    assert order.number in listing
    detail = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Portal-ordered box" in detail and user.email in detail


def test_the_orders_list_shows_the_customers_orders_only(
    client, make_portal_user, portal_login, make_product
):
    product = make_product(name="Box of B")
    portal_login(make_portal_user())
    client.post("/portal/order", data={"product_id": str(product.id), "cycle": "monthly"})
    client.post("/portal/logout")
    portal_login(make_portal_user())
    html = client.get("/portal/orders").get_data(as_text=True)
    assert "No orders yet" in html and "Box of B" not in html


def test_the_catalog_is_grouped_by_product_group_with_ungrouped_products_last(
    client, db, make_portal_user, portal_login, make_product
):
    from cloudmanager.products.groups import save_group

    portal_login(make_portal_user())
    storage = save_group(None, {"name": "Storage", "description": "", "position": 20})
    servers = save_group(None, {"name": "Cloud servers", "description": "", "position": 10})
    db.session.commit()
    make_product(name="Loose item")
    make_product(name="Block volume", group_id=storage.id)
    make_product(name="Server XL", group_id=servers.id)
    html = client.get("/portal/catalog").get_data(as_text=True)
    order = [html.index(text) for text in ("Cloud servers", "Storage", "Other products")]
    assert order == sorted(order)
    assert html.index("Server XL") < html.index("Block volume") < html.index("Loose item")
