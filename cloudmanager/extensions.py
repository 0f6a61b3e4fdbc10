"""Flask extensions, created unbound and bound to the app in the factory."""

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic needs them)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Blueprints whose reads are rate limited; elsewhere only forms (POST) carry limits.
READ_LIMITED_BLUEPRINTS = frozenset({"api_v1"})


def unlimited_page_read() -> bool:
    """True for a GET or HEAD outside the API: no limit applies, so skip the limiter.

    Working out that no limit applies, and the limiter's bookkeeping around it, cost
    about 0.1 ms on every page. A test keeps every route limit on other methods
    (tests/core/test_rate_limits.py).
    """
    return request.method in ("GET", "HEAD") and request.blueprint not in READ_LIMITED_BLUEPRINTS


def init_limiter(app) -> None:
    """Bind the limiter, whose request hooks then run only where a limit can apply."""
    limiter.init_app(app)
    guarded = 0
    for hooks in (
        app.before_request_funcs[None],
        app.after_request_funcs[None],
        app.teardown_request_funcs[None],
    ):
        for index, hook in enumerate(hooks):
            if getattr(hook, "__self__", None) is limiter or getattr(hook, "args", ())[:1] == (
                limiter,
            ):
                hooks[index] = _outside_page_reads(hook)
                guarded += 1
    if guarded != 3:  # a new Flask-Limiter registers its hooks differently
        raise RuntimeError(f"expected the limiter's 3 request hooks, found {guarded}")


def _outside_page_reads(hook):
    def guarded(*args):
        if unlimited_page_read():
            return args[0] if args else None  # an after_request hook returns the response
        return hook(*args)

    return guarded
