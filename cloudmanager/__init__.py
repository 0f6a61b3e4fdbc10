"""CloudManager: the back office of a company that sells cloud services."""

from flask import Flask

from cloudmanager.config import BASE_DIR, INSTANCE_DIR, Config, config_for_environment


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the Flask application; the body is the table of contents."""
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_class or config_for_environment())
    check_secret_key(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def check_secret_key(app: Flask) -> None:
    """Refuse to start without a secret key: there is no production default."""
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set (see the settings table in README)")


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of `extensions.py`."""
    import cloudmanager.auth.loader  # noqa: F401  (the session's user loader)
    from cloudmanager.core.database import init_database
    from cloudmanager.extensions import csrf, db, init_limiter, login_manager, mail, migrate

    import cloudmanager.models  # noqa: F401  (every table, for metadata and Alembic)

    init_database(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    init_limiter(app)


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per domain."""
    from cloudmanager.blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    """Sessions, permission checks, security headers and htmx response rules."""
    from cloudmanager.core import htmx, permissions, security
    from cloudmanager.core.sessions import RememberingSessionInterface

    app.session_interface = RememberingSessionInterface()
    permissions.init_app(app)
    security.init_app(app)
    htmx.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Errors answer JSON, an htmx toast or a page, as the request wants."""
    from cloudmanager.core import errors

    errors.init_app(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals shared by every template."""
    from cloudmanager.core import templating

    templating.init_app(app)


def register_commands(app: Flask) -> None:
    """The `flask` commands: seed-demo, create-admin, worker, clock …"""
    from cloudmanager.cli import init_app

    init_app(app)
