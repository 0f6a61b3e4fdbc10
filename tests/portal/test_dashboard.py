"""The portal dashboard: open tickets, unpaid invoices and active services, each with an empty state."""


def test_a_new_customer_sees_three_empty_panels(client, make_portal_user, portal_login):
    portal_login(make_portal_user())
    html = client.get("/portal/").get_data(as_text=True)
    for empty in ("No open tickets", "Nothing to pay", "No active services"):
        assert empty in html, empty
    assert (
        html.index("Open tickets") < html.index("Unpaid invoices") < html.index("Active services")
    )


def test_the_panels_list_the_customers_unpaid_invoices_and_active_services(
    client,
    db,
    make_portal_user,
    portal_login,
    make_invoice,
    make_service,
    make_product,
    staff,
    jobs,
):
    from cloudmanager.invoices.payments import record_payment

    user = portal_login(make_portal_user())
    unpaid = make_invoice(user, "100.00")
    paid = make_invoice(user, "10.00")
    record_payment(paid, {"amount": "11.90", "method": "card", "reference": "C1"}, by=staff)
    db.session.commit()
    make_service(user, product=make_product(name="Running box"))
    make_service(user, product=make_product(name="Unpaid box"), active=False)
    other = make_portal_user()
    foreign = make_invoice(other, "5.00")
    make_service(other, product=make_product(name="Foreign box"))
    html = client.get("/portal/").get_data(as_text=True)
    assert unpaid.number in html and paid.number not in html and foreign.number not in html
    # the invoice and the first invoices of both services (10.00 + 19% each)
    assert "3 unpaid" in html and "142.80 EUR" in html
    assert "Running box" in html and "Unpaid box" not in html and "Foreign box" not in html
