"""WSGI apps for `bench/customers_list.py`: CloudManager itself and a bare reference.

`BENCH_APP=cloudmanager` serves the real app on `BENCH_DATABASE_URL`;
`BENCH_APP=reference` serves a minimal Flask route that renders a 50-row Jinja
table from a keyset query on the same customers table (the ceiling to compare with).
"""

import os

from flask import Flask, request
from sqlalchemy import create_engine, select, tuple_

from cloudmanager.config import Config

REFERENCE_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Customers</title></head>
<body><table>
<thead><tr><th>Number</th><th>Name</th><th>Email</th><th>Country</th><th>Status</th></tr></thead>
<tbody>{% for row in rows %}<tr><td>{{ row.number }}</td><td><a href="/c/{{ row.id }}">{{ row.name }}</a></td>
<td>{{ row.email }}</td><td>{{ row.country }}</td><td>{{ row.status }}</td></tr>{% endfor %}</tbody>
</table>{% if rows %}<a href="?after_name={{ rows[-1].name }}&after_id={{ rows[-1].id }}">Next</a>{% endif %}
</body></html>"""


def bench_config(url: str) -> type[Config]:
    """Production settings on the bench database `url`, cookies over plain http."""

    class BenchConfig(Config):
        SECRET_KEY = os.environ.get("BENCH_SECRET_KEY", "bench-only-secret")
        SQLALCHEMY_DATABASE_URI = url
        SESSION_COOKIE_SECURE = False
        REMEMBER_COOKIE_SECURE = False
        PREFERRED_URL_SCHEME = "http"
        REDIS_URL = ""
        RATELIMIT_STORAGE_URI = "memory://"

    return BenchConfig


def reference_app(url: str) -> Flask:
    """The bare reference: one route, one keyset query, one precompiled template."""
    from cloudmanager.customers.models import Customer

    app = Flask("reference")
    engine = create_engine(url, pool_pre_ping=True)
    template = app.jinja_env.from_string(REFERENCE_TEMPLATE)
    table = Customer.__table__
    columns = [table.c.id, table.c.number, table.c.name, table.c.email, table.c.country]

    @app.get("/reference")
    def reference():
        stmt = select(*columns, table.c.status).order_by(table.c.name, table.c.id).limit(50)
        if request.args.get("after_id"):
            after = (request.args.get("after_name", ""), int(request.args["after_id"]))
            stmt = stmt.where(tuple_(table.c.name, table.c.id) > after)
        with engine.connect() as connection:
            rows = connection.execute(stmt).all()
        return template.render(rows=rows)

    return app


def add_signed_in_ok_route(app: Flask) -> Flask:
    """A signed-in route that renders nothing: the fixed cost of every staff page.

    Session, user, settings, permission and rate-limit checks run as for any page.
    """
    from cloudmanager.core.permissions import ENDPOINTS, SIGNED_IN

    app.add_url_rule("/auth/account/ok", "bench_ok", lambda: "ok")
    ENDPOINTS["bench_ok"] = SIGNED_IN
    return app


if os.environ.get("BENCH_APP") == "reference":
    app = reference_app(os.environ["BENCH_DATABASE_URL"])
elif os.environ.get("BENCH_APP") == "cloudmanager":
    from cloudmanager import create_app

    app = add_signed_in_ok_route(create_app(bench_config(os.environ["BENCH_DATABASE_URL"])))
