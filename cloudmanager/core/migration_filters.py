"""Database objects that Alembic's autogenerate must leave alone.

The customers search index (an SQLite FTS5 table and its shadow tables, a
PostgreSQL trigram index and its ordered trigram postings) is created by hand in
its migrations, so it has no model; autogenerate and the models-vs-migrations
test both skip it.
"""

UNMANAGED_NAMES = (
    "customers_fts",
    "ix_customers_search_text_trgm",
    "customer_trigrams",
)


def include_name(name, type_, parent_names) -> bool:
    """False for objects built outside the models."""
    return not (name or "").startswith(UNMANAGED_NAMES)
