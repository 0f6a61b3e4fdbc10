"""Admins invite staff, change roles, disable users, reset 2FA; all audited."""

import re

from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry, User
from tests.auth.helpers import enrol_2fa


def actions(db):
    return [row.action for row in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_invited_user_chooses_a_password_through_the_emailed_link(
    client, app, login_as, db, caplog
):
    login_as("admin")
    caplog.set_level("INFO")
    response = client.post(
        "/admin/users/invite",
        data={"name": "Nina New", "email": "nina@example.com", "role": "agent"},
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nina@example.com"))
    assert user is not None and not user.has_password
    path = re.search(r"https?://[^/\s]+(/invite/\S+)", caplog.text).group(1)
    guest = app.test_client()
    assert guest.get(path).status_code == 200
    weak = guest.post(path, data={"password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 422
    good = "a-long-and-unusual-phrase-9"
    assert guest.post(path, data={"password": good, "confirm": good}).status_code == 302
    assert db.session.get(User, user.id).has_password
    # The link works only once.
    assert guest.get(path).status_code == 400
    assert {"user.created", "user.invited", "user.invitation_accepted"} <= set(actions(db))


def test_invite_form_shows_errors_next_to_fields_for_htmx(client, login_as):
    login_as("admin")
    response = client.post(
        "/admin/users/invite",
        data={"name": "", "email": "not-an-email", "role": "agent"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert b"invalid-feedback" in response.data
    assert b"<html" not in response.data


def test_admin_changes_a_role_and_it_is_audited(client, login_as, make_user, db):
    login_as("admin")
    agent = make_user("agent")
    assert client.post(f"/admin/users/{agent.id}/role", data={"role": "manager"}).status_code == 302
    assert db.session.get(User, agent.id).role == "manager"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.role_changed"))
    assert entry.before == {"role": "agent"} and entry.after == {"role": "manager"}


def test_admin_cannot_disable_themselves(client, login_as, db):
    admin = login_as("admin")
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert db.session.get(User, admin.id).active


def test_admin_resets_a_users_2fa(client, login_as, make_user, db):
    login_as("admin")
    agent = make_user("agent")
    enrol_2fa(agent, db)
    assert client.post(f"/admin/users/{agent.id}/reset-2fa").status_code == 302
    assert not db.session.get(User, agent.id).totp_enabled
    assert "user.2fa_reset" in actions(db)


def test_users_page_shows_last_sign_in(client, login_as, make_user):
    login_as("admin")
    make_user("agent", name="Zed Zimmer")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Zed Zimmer" in page and "Never" in page


def test_audit_log_filters_by_action_and_pages(client, login_as, make_user, db):
    from cloudmanager.core.audit import audit

    admin = login_as("admin")
    for n in range(60):
        audit("test.thing", object_type="widget", object_id=n, actor=admin)
    audit("other.thing", object_type="gadget", object_id=1, actor=admin)
    db.session.commit()
    first = client.get("/admin/audit?action=test.", headers={"HX-Request": "true"})
    assert first.status_code == 200
    body = first.get_data(as_text=True)
    assert body.count("test.thing") == 50 and "other.thing" not in body
    cursor = re.search(r"cursor=([\w-]+)", body).group(1)
    second = client.get(f"/admin/audit?action=test.&cursor={cursor}").get_data(as_text=True)
    assert second.count("test.thing") == 10


def test_audit_log_query_count_does_not_grow_with_page_size(client, login_as, db, count_queries):
    from cloudmanager.core.audit import audit

    admin = login_as("admin")
    for n in range(120):
        audit("test.thing", object_type="widget", object_id=n, actor=admin)
    db.session.commit()
    client.get("/admin/audit?size=1")  # warm the settings cache
    counts = []
    for size in (10, 100):
        with count_queries() as counter:
            assert client.get(f"/admin/audit?size={size}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
