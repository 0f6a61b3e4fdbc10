"""The session's CSRF token is signed once a minute per process, and still accepted."""

import re

from cloudmanager.core import csrf_tokens


def _page_token(client) -> str:
    """The token of the page's htmx headers (on <body>)."""
    html = client.get("/").get_data(as_text=True)
    return re.search(r"&#34;X-CSRFToken&#34;: &#34;([^&]+)&#34;", html).group(1)


def test_pages_of_one_session_reuse_the_signed_token_within_a_minute(client, login_as, monkeypatch):
    login_as("admin")
    now = [1000.0]
    signed = []
    monkeypatch.setattr(csrf_tokens.time, "monotonic", lambda: now[0])
    real_generate = csrf_tokens.generate_csrf
    monkeypatch.setattr(
        csrf_tokens, "generate_csrf", lambda: signed.append(now[0]) or real_generate()
    )
    first = _page_token(client)
    now[0] += 30
    assert _page_token(client) == first
    assert signed == [1000.0]
    now[0] += 31
    _page_token(client)
    assert signed == [1000.0, 1061.0]


def test_forms_on_the_page_carry_the_same_token(client, login_as):
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    header = re.search(r"&#34;X-CSRFToken&#34;: &#34;([^&]+)&#34;", html).group(1)
    assert f'name="csrf_token" value="{header}"' in html  # the sign-out form


def test_a_reused_token_is_accepted(app, client, login_as):
    app.config["WTF_CSRF_ENABLED"] = True
    login_as("admin")
    _page_token(client)
    token = _page_token(client)  # signed on the first page, reused here
    referer = {"Referer": "https://localhost/"}  # Flask-WTF's strict check on https
    response = client.post("/logout", data={"csrf_token": token}, headers=referer)
    assert response.status_code in (302, 303)
    assert client.get("/").status_code in (302, 303)  # signed out


def test_other_sessions_get_their_own_token(app, make_user):
    user = make_user("admin")
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
    assert _page_token(clients[0]) != _page_token(clients[1])
