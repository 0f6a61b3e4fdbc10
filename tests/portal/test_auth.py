"""Portal sign-in: invitations, passwords, TOTP with replay guard, recovery codes, lockout."""

import re

import pyotp
from sqlalchemy import select

from cloudmanager.portal.models import PortalUser
from tests.fixtures.users import PASSWORD

NEW_PASSWORD = "violet-harbour-lantern-88"


def post_login(client, email, password=PASSWORD):
    return client.post("/portal/login", data={"email": email, "password": password})


def test_staff_invite_a_contact_who_chooses_a_password_and_signs_in(
    client, login_as, make_contact, db, caplog
):
    contact = make_contact()
    login_as("agent")
    with caplog.at_level("INFO"):
        response = client.post(f"/portal-access/contacts/{contact.id}/invite")
    assert response.status_code == 302
    link = re.search(r"http\S+/portal/invite/\S+", caplog.text).group(0)
    client.post("/logout")
    path = link.split("5000", 1)[1] if "5000" in link else "/" + link.split("/", 3)[3]
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert (
        client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 400
    )
    response = post_login(client, contact.email, NEW_PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/portal/")
    assert client.get("/portal/").status_code == 200


def test_agents_cannot_invite_without_the_permission_matrix_saying_so(
    client, login_as, make_contact
):
    contact = make_contact()
    login_as("accountant")
    assert client.post(f"/portal-access/contacts/{contact.id}/invite").status_code == 403


def test_a_wrong_password_gets_the_generic_answer_and_counts(client, make_portal_user, db):
    user = make_portal_user()
    response = post_login(client, user.email, "wrong-password-123")
    assert response.status_code == 401 and "not right" in response.get_data(as_text=True)
    assert db.session.get(PortalUser, user.id).failed_logins == 1


def test_the_account_locks_after_the_threshold_like_staff(client, make_portal_user, db):
    user = make_portal_user()
    for _ in range(5):
        post_login(client, user.email, "wrong-password-123")
    assert db.session.get(PortalUser, user.id).locked_until is not None
    assert post_login(client, user.email).status_code == 401


def test_staff_credentials_do_not_open_the_portal_and_portal_ones_not_the_back_office(
    client, make_user, make_portal_user
):
    staff = make_user("agent")
    assert post_login(client, staff.email).status_code == 401
    user = make_portal_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_a_portal_session_does_not_open_staff_pages(client, make_portal_user, portal_login):
    portal_login(make_portal_user())
    response = client.get("/tickets/")
    assert response.status_code == 302 and "/login" in response.location


def test_a_staff_session_does_not_open_portal_pages(client, login_as):
    login_as("admin")
    response = client.get("/portal/")
    assert response.status_code == 302 and "/portal/login" in response.location


def _enable_totp(user, db):
    from cloudmanager.auth import totp

    secret = totp.new_secret()
    codes = totp.confirm_enrolment(user, secret, pyotp.TOTP(secret).now())
    user.totp_last_step = 0
    db.session.commit()
    return codes


def test_totp_codes_are_accepted_once(client, make_portal_user, db):
    user = make_portal_user()
    _enable_totp(user, db)
    response = post_login(client, user.email)
    assert response.location.endswith("/portal/login/code")
    code = pyotp.TOTP(user.totp_secret).now()
    assert client.post("/portal/login/code", data={"code": code}).status_code == 302
    client.post("/portal/logout")
    post_login(client, user.email)
    response = client.post("/portal/login/code", data={"code": code})
    assert response.status_code == 422 and "already used" in response.get_data(as_text=True)


def test_a_recovery_code_signs_in_once(client, make_portal_user, db):
    user = make_portal_user()
    codes = _enable_totp(user, db)
    post_login(client, user.email)
    assert client.post("/portal/login/code", data={"code": codes[0]}).status_code == 302
    client.post("/portal/logout")
    post_login(client, user.email)
    assert client.post("/portal/login/code", data={"code": codes[0]}).status_code == 422


def test_a_portal_user_turns_on_2fa_from_the_account_page(
    client, make_portal_user, portal_login, db
):
    user = portal_login(make_portal_user())
    page = client.get("/portal/account/2fa").get_data(as_text=True)
    secret = re.search(r'<code class="user-select-all">(\w+)</code>', page).group(1)
    assert client.get("/portal/account/2fa/qr.svg").mimetype == "image/svg+xml"
    response = client.post("/portal/account/2fa", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and "recovery codes" in response.get_data(as_text=True)
    assert db.session.get(PortalUser, user.id).totp_enabled


def test_forgot_password_answers_the_same_and_the_link_resets_once(
    client, make_portal_user, caplog
):
    user = make_portal_user()
    with caplog.at_level("INFO"):
        known = client.post("/portal/password/forgot", data={"email": user.email})
        unknown = client.post("/portal/password/forgot", data={"email": "nobody@x.example"})
    assert known.status_code == unknown.status_code == 302
    path = re.search(r"/portal/password/reset/\S+", caplog.text).group(0)
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(path, data=data).status_code == 302
    assert client.post(path, data=data).status_code == 400
    assert post_login(client, user.email, NEW_PASSWORD).status_code == 302


def test_a_staff_reset_link_does_not_open_a_portal_account(client, make_portal_user):
    from cloudmanager.auth.tokens import make_reset_token

    user = make_portal_user()
    assert client.get(f"/portal/password/reset/{make_reset_token(user)}").status_code == 400


def test_revoking_access_ends_the_portal_session(
    client, login_as, make_portal_user, portal_login, db
):
    user = make_portal_user()
    contact_id = user.contact_id
    login_as("manager")
    client.post(f"/portal-access/contacts/{contact_id}/revoke")
    portal_login(db.session.scalar(select(PortalUser)))
    assert client.get("/portal/").status_code == 302


def test_the_customer_page_tickets_tab_lists_tickets_and_portal_access(
    client, login_as, make_portal_user, make_contact, db
):
    from cloudmanager.tickets.services import open_ticket

    user = make_portal_user()
    open_ticket(subject="Tab ticket", body="x", department="Sales", requester=user.contact)
    db.session.commit()
    login_as("agent")
    html = client.get(f"/customers/{user.contact.customer_id}/tabs/tickets").get_data(as_text=True)
    assert "Tab ticket" in html and "Has access" in html
