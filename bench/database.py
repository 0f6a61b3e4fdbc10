"""The benchmarks' own PostgreSQL databases: created when missing, so a fresh machine runs them."""

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def ensure_database(url: str) -> str:
    """Create the database `url` names if it does not exist yet; returns `url`."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        return url
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if found is None:
                # Identifiers cannot be bound parameters; the name comes from the command line.
                name = target.database.replace('"', '""')
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    return url
