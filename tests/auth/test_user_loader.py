"""The signed-in staff user is kept per process while the users' change stamp holds."""

import re

from flask_login import current_user
from sqlalchemy import update

from cloudmanager.auth.models import User
from cloudmanager.core import permissions


def users_reads(statements: list[str]) -> int:
    return sum(bool(re.search(r"\bFROM users\b", statement)) for statement in statements)


def test_an_unchanged_user_is_not_read_again(client, login_as, count_queries):
    login_as("agent")

    with count_queries() as counter:  # (which forgets what the process kept)
        assert client.get("/customers/").status_code == 200
        first = len(counter.statements)
        assert client.get("/customers/").status_code == 200

    assert users_reads(counter.statements[:first]) == 1
    assert users_reads(counter.statements[first:]) == 0


def test_a_change_written_elsewhere_is_seen_at_the_next_request(client, db, login_as):
    user = login_as("agent")
    assert client.get("/customers/").status_code == 200

    db.session.execute(update(User).where(User.id == user.id).values(name="Renamed Agent"))
    db.session.commit()  # another process, or plain SQL
    assert b"Renamed Agent" in client.get("/customers/").data

    db.session.execute(update(User).where(User.id == user.id).values(active=False))
    db.session.commit()
    assert client.get("/customers/").status_code == 302  # signed out: to the sign-in page


def test_a_request_that_changes_the_user_without_committing_changes_nothing_kept(
    app, client, db, login_as, monkeypatch
):
    def rename_without_saving():
        current_user.name = "Not Saved"
        return current_user.name

    app.add_url_rule("/_test/rename", "test_rename", rename_without_saving)
    monkeypatch.setitem(permissions.ENDPOINTS, "test_rename", permissions.SIGNED_IN)
    login_as("agent")
    assert client.get("/customers/").status_code == 200

    assert client.get("/_test/rename").get_data(as_text=True) == "Not Saved"

    html = client.get("/customers/").get_data(as_text=True)
    assert "Not Saved" not in html
    assert db.session.get(User, current_user_id(db)).name != "Not Saved"


def current_user_id(db) -> int:
    return db.session.query(User.id).scalar()
