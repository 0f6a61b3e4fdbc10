"""Portal services: the list, a service in the customer's words, ending it with its period."""

from datetime import date

from sqlalchemy import select

from cloudmanager.orders.models import Service, ServiceEvent

HX = {"HX-Request": "true"}


def test_the_list_shows_status_product_next_due_date_and_price(
    client, make_portal_user, portal_login, make_service, make_product, jobs
):
    user = portal_login(make_portal_user())
    service = make_service(user, product=make_product(name="Cloud Server L"))
    make_service(make_portal_user(), product=make_product(name="Someone else's box"))
    html = client.get("/portal/services").get_data(as_text=True)
    assert "Cloud Server L" in html and "Someone else" not in html
    assert "Active" in html and "Monthly" in html and "10.00 EUR" in html
    assert service.next_due_date.strftime("%d %b %Y") in html


def test_the_list_filters_by_status(
    client, make_portal_user, portal_login, make_service, make_product, jobs
):
    user = portal_login(make_portal_user())
    make_service(user, product=make_product(name="Running box"))
    make_service(user, product=make_product(name="Unpaid box"), active=False)
    pending = client.get("/portal/services?status=pending", headers=HX).get_data(as_text=True)
    assert "Unpaid box" in pending and "Running box" not in pending
    suspended = client.get("/portal/services?status=suspended", headers=HX)
    assert "No services with this status" in suspended.get_data(as_text=True)


def test_an_empty_list_points_to_the_catalog(client, make_portal_user, portal_login):
    portal_login(make_portal_user())
    html = client.get("/portal/services").get_data(as_text=True)
    assert "No services yet" in html and "/portal/catalog" in html


def test_the_service_page_shows_periods_invoices_and_a_customer_history(
    client, db, make_portal_user, portal_login, make_service, staff, jobs
):
    from cloudmanager.orders.lifecycle import suspend_service, unsuspend_service

    user = portal_login(make_portal_user())
    service = make_service(user, on=date(2026, 1, 31))
    suspend_service(service, by=staff, note="INTERNAL: abuse report from CERT")
    unsuspend_service(service, by=staff)
    db.session.commit()
    html = client.get(f"/portal/services/{service.id}").get_data(as_text=True)
    assert "31 Jan 2026 – 27 Feb 2026" in html and "/portal/invoices/" in html
    assert "Ordered: From order ORD-" in html and "Suspended" in html and "Resumed" in html
    assert (
        "INTERNAL" not in html
        and staff.name not in html
        and "/services/" not in html.replace("/portal/services", "")
    )


def test_the_customer_ends_a_service_with_its_period_and_keeps_it_again(
    client, db, make_portal_user, portal_login, make_service, jobs
):
    user = portal_login(make_portal_user())
    service = make_service(user)
    response = client.post(f"/portal/services/{service.id}/cancel", data={"reason": "Moving"})
    assert response.status_code == 302
    service = db.session.get(Service, service.id)
    assert service.cancel_at_period_end and service.status == "active"
    event = db.session.scalar(select(ServiceEvent).where(ServiceEvent.kind == "cancel_requested"))
    assert event.note == "Requested on the customer portal: Moving" and event.actor_id is None
    html = client.get(f"/portal/services/{service.id}").get_data(as_text=True)
    assert "ends with its billed period" in html and "Keep the service" in html
    client.post(f"/portal/services/{service.id}/keep")
    assert db.session.get(Service, service.id).cancel_at_period_end is False


def test_a_pending_service_cannot_be_ended_from_the_portal(
    client, db, make_portal_user, portal_login, make_service, jobs
):
    user = portal_login(make_portal_user())
    service = make_service(user, active=False)
    html = client.get(f"/portal/services/{service.id}").get_data(as_text=True)
    assert "End with the billed period" not in html and "first invoice is paid" in html
    client.post(f"/portal/services/{service.id}/cancel")
    assert db.session.get(Service, service.id).cancel_at_period_end is False
    page = client.get(f"/portal/services/{service.id}").get_data(as_text=True)
    assert "cannot be cancelled" in page


def test_a_too_long_reason_is_shown_next_to_the_field(
    client, db, make_portal_user, portal_login, make_service, jobs
):
    user = portal_login(make_portal_user())
    service = make_service(user)
    response = client.post(f"/portal/services/{service.id}/cancel", data={"reason": "x" * 1001})
    assert response.status_code == 422 and 'id="reason-error"' in response.get_data(as_text=True)
    assert db.session.get(Service, service.id).cancel_at_period_end is False
