"""/healthz: 200 with component status, 503 when the database is down."""

import pytest

from cloudmanager import create_app
from cloudmanager.extensions import db


def test_healthz_answers_200_with_database_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["pdf_font_subsetting"] in {"ok", "missing"}
    assert "redis" in body


@pytest.fixture
def unreachable_database_client(config_class):
    """A client of an app whose database refuses connections."""

    class DownConfig(config_class):
        SQLALCHEMY_DATABASE_URI = "postgresql://nobody@127.0.0.1:1/nothing"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}

    app = create_app(DownConfig)
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def test_healthz_answers_503_when_the_database_is_unreachable(unreachable_database_client):
    response = unreachable_database_client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["database"].startswith("error: ")


def test_healthz_stays_200_but_reports_an_unreachable_redis(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json()["redis"].startswith("error: ")
