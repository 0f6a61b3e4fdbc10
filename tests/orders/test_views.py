"""Staff pages: the order editor, decisions, services list and detail, billing runs, tabs."""

from datetime import date

from sqlalchemy import select

from cloudmanager.orders.models import Order, Service


def _post_order(client, customer, *rows, **extra):
    data = {"customer_id": str(customer.id), "notes": ""}
    for index, row in enumerate(rows):
        data.update({f"lines-{index}-{key}": value for key, value in row.items()})
    data.update(extra)
    return client.post("/orders/new", data=data)


def test_the_editor_previews_totals_with_tax_as_staff_type(client, login_as, customer, server):
    login_as("agent")
    response = client.post(
        "/orders/preview",
        data={
            "customer_id": str(customer.id),
            "lines-0-product": f"{server.id}:monthly",
            "lines-0-quantity": "2",
        },
        headers={"HX-Request": "true"},
    )
    page = response.get_data(as_text=True)
    # 2 × 10.00 + 2 × 5.00 setup = 30.00, 19% tax 5.70, total 35.70
    assert response.status_code == 200 and "35.70" in page and "5.70" in page


def test_saving_an_order_redirects_to_its_page(client, login_as, customer, server, db):
    login_as("agent")
    response = _post_order(client, customer, {"product": f"{server.id}:annual", "quantity": "1"})
    order = db.session.scalar(select(Order))
    assert response.status_code == 302 and response.location.endswith(f"/orders/{order.id}")
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert order.number in page and "Cloud Server M (Annual)" in page


def test_invalid_lines_show_errors_next_to_the_field_with_422(client, login_as, customer, server):
    login_as("agent")
    response = _post_order(
        client, customer, {"product": f"{server.id}:monthly", "quantity": "zero"}
    )
    assert response.status_code == 422
    assert "Enter a whole number" in response.get_data(as_text=True)


def test_an_agent_cannot_override_the_price(client, login_as, customer, server, db):
    login_as("agent")
    response = _post_order(
        client, customer, {"product": f"{server.id}:monthly", "quantity": "1", "unit_price": "1"}
    )
    assert response.status_code == 422
    assert "Your role cannot change prices" in response.get_data(as_text=True)
    assert db.session.scalar(select(Order.id)) is None


def test_a_manager_accepts_an_order_and_sees_the_invoice_and_services(
    client, login_as, make_order, server, db, jobs
):
    order = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    login_as("agent")
    assert client.post(f"/orders/{order.id}/accept").status_code == 403
    login_as("manager")
    response = client.post(f"/orders/{order.id}/accept")
    assert response.status_code == 302
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    db.session.refresh(order)
    assert order.status == "accepted" and order.invoice.number in page
    assert "SRV-" in page


def test_services_list_runs_a_constant_number_of_queries(
    client, login_as, make_service, count_queries, db
):
    login_as("agent")
    make_service()
    client.get("/services/")  # warm caches (settings, user)
    with count_queries() as few:
        assert client.get("/services/?size=5").status_code == 200
    for _ in range(8):
        make_service()
    with count_queries() as many:
        page = client.get("/services/?size=50").get_data(as_text=True)
    assert many.count == few.count
    assert page.count("SRV-") >= 9


def test_services_filter_by_status_and_due_date(client, login_as, make_service, admin, db):
    from cloudmanager.orders.lifecycle import suspend_service

    kept = make_service(on=date(2026, 1, 31))
    stopped = make_service(on=date(2026, 3, 15))
    suspend_service(stopped, by=admin, note="Abuse")
    db.session.commit()
    login_as("agent")
    page = client.get("/services/?status=suspended").get_data(as_text=True)
    assert stopped.number in page and kept.number not in page
    page = client.get("/services/?due_before=2026-03-01").get_data(as_text=True)
    assert kept.number in page and stopped.number not in page


def test_service_detail_shows_history_and_manager_actions(client, login_as, make_service):
    service = make_service()
    login_as("manager")
    page = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "History" in page and 'id="suspend"' in page and 'id="cancel-later"' in page
    response = client.post(f"/services/{service.id}/suspend", data={"reason": "Abuse"})
    assert response.status_code == 302
    page = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "active → suspended" in page and "Abuse" in page


def test_a_wrong_transition_is_refused_with_a_message(client, login_as, make_service, db):
    service = make_service()
    login_as("manager")
    client.post(f"/services/{service.id}/unsuspend", data={})
    page = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "cannot be unsuspended" in page
    assert db.session.get(Service, service.id).status == "active"


def test_billing_runs_page_lists_runs_and_the_30_day_forecast(client, login_as, make_service):
    from cloudmanager.orders.billing import run_billing

    make_service(on=date.today())
    run = run_billing(date.today())
    login_as("accountant")
    page = client.get("/billing/runs").get_data(as_text=True)
    assert f"#{run.id}" in page and "Next 30 days" in page
    assert client.get(f"/billing/runs/{run.id}").status_code == 200
    login_as("agent")
    assert client.get("/billing/runs").status_code == 403


def test_customer_page_has_services_and_orders_tabs(client, login_as, make_service):
    service = make_service()
    login_as("agent")
    page = client.get(f"/customers/{service.customer_id}/tabs/services").get_data(as_text=True)
    assert service.number in page
    page = client.get(f"/customers/{service.customer_id}/tabs/orders").get_data(as_text=True)
    assert "ORD-" in page


def test_flask_billing_run_bills_as_of_the_given_date(runner, make_service, db):
    make_service(on=date(2026, 1, 31))
    result = runner.invoke(args=["billing", "run", "--date", "2026-02-20"])
    assert result.exit_code == 0, result.output
    assert "1 invoices" in result.output


def test_editing_a_pending_order_shows_its_lines_and_totals(client, login_as, make_order, server):
    order = make_order([{"product_id": str(server.id), "cycle": "annual", "quantity": "1"}])
    login_as("agent")
    page = client.get(f"/orders/{order.id}/edit").get_data(as_text=True)
    # 100.00 + 5.00 setup = 105.00 net, 19.95 tax, 124.95 total
    assert f'value="{server.id}:annual" selected' in page and "124.95" in page
    assert "Lines with errors" not in page


def test_the_services_page_highlights_services_in_the_navigation(client, login_as):
    login_as("agent")
    page = client.get("/services/").get_data(as_text=True)
    assert 'href="/services/" aria-current="page"' in page


def test_an_accountant_starts_a_billing_run_from_the_page(client, login_as, make_service, db, jobs):
    from cloudmanager.orders.jobs import billing_run
    from cloudmanager.orders.models import BillingRun

    make_service(on=date.today())
    login_as("accountant")
    response = client.post("/billing/runs")
    assert response.status_code == 302
    assert ("cloudmanager.orders.jobs.billing_run", ("staff",)) in jobs
    run = db.session.get(BillingRun, billing_run("staff"))
    assert run.trigger == "staff" and run.finished_at is not None
    login_as("manager")
    assert client.post("/billing/runs").status_code == 403


def test_run_now_says_so_when_a_run_is_already_going(client, login_as, db, jobs):
    from cloudmanager.orders.run_lock import billing_run_lock

    login_as("accountant")
    with billing_run_lock():
        response = client.post("/billing/runs")
    assert response.status_code == 302
    assert ("cloudmanager.orders.jobs.billing_run", ("staff",)) not in jobs
    assert "already running" in client.get("/billing/runs").get_data(as_text=True)


def test_a_manager_cancels_a_pending_order_with_a_reason(
    client, login_as, make_order, server, db, jobs
):
    from cloudmanager.invoices.models import Invoice

    order = make_order([{"product_id": str(server.id), "cycle": "monthly"}])
    login_as("manager")
    response = client.post(f"/orders/{order.id}/cancel", data={"reason": "Ordered twice"})
    assert response.status_code == 302 and response.location.endswith(f"/orders/{order.id}")
    db.session.refresh(order)
    assert order.status == "cancelled" and order.status_reason == "Ordered twice"
    assert order.decided_at is not None and order.invoice_id is None
    assert db.session.scalar(select(Service.id)) is None
    assert db.session.scalar(select(Invoice.id)) is None
    assert f"Order {order.number} cancelled." in client.get(f"/orders/{order.id}").get_data(
        as_text=True
    )


def test_services_filter_by_product(client, login_as, make_service, make_product):
    other = make_product(name="Object storage")
    server_service = make_service()
    storage_service = make_service(product=other)
    login_as("agent")
    page = client.get(f"/services/?product_id={other.id}").get_data(as_text=True)
    assert storage_service.number in page and server_service.number not in page
    page = client.get(f"/services/?product_id={server_service.product_id}").get_data(as_text=True)
    assert server_service.number in page and storage_service.number not in page


def test_the_editor_leaves_a_line_in_another_currency_out_and_says_why(
    client, login_as, customer, make_product, db
):
    dollars = make_product(name="US Server", currency="USD", prices={"monthly": "12.00"})
    login_as("agent")
    response = client.post(
        "/orders/preview",
        data={"customer_id": str(customer.id), "lines-0-product": f"{dollars.id}:monthly"},
        headers={"HX-Request": "true"},
    )
    preview = response.get_data(as_text=True)
    assert "Lines with errors are left out of these totals." in preview
    assert "Line 1: US Server is priced in USD; this customer pays in EUR." in preview
    saved = _post_order(client, customer, {"product": f"{dollars.id}:monthly", "quantity": "1"})
    assert saved.status_code == 422
    assert "US Server is priced in USD; this customer pays in EUR." in saved.get_data(as_text=True)
    assert db.session.scalar(select(Order)) is None
