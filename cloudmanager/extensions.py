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


@limiter.request_filter
def unlimited_page_read() -> bool:
    """True for a GET or HEAD outside the API: no limit applies, so skip the check.

    Working out that no limit applies costs about 0.1 ms, on every page. A test
    keeps every route limit on other methods (tests/core/test_rate_limits.py).
    """
    return request.method in ("GET", "HEAD") and request.blueprint not in READ_LIMITED_BLUEPRINTS
