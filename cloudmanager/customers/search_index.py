"""The live search's index: pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite.

On SQLite the FTS5 table is contentless and keyed by `FTS_ROWID_BASE - customer id`,
so its own order (ascending rowid, the only order it reads without buffering whole
posting lists) is newest customer first: a search in that order stops after one page
instead of finding every match. Triggers keep it in step with `customers.search_text`;
the models' `after_create` events and the migrations both run this DDL. A later SQLite
batch migration that rebuilds `customers` drops the triggers and must run
`SQLITE_DDL` and `SQLITE_REFILL` again.

FTS5 adds a segment per write and merges them only now and then: a search reads
every segment's posting list of every trigram of its term (four times the work
after a 100,000-row import). `compact()` merges them into one; the customers'
periodic job and a large CSV import run it.
"""

from sqlalchemy import text

from cloudmanager.extensions import db

# Customer ids stay far below it; FTS5 rowids are 64-bit.
FTS_ROWID_BASE = 1 << 40

POSTGRES_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_customers_search_text_trgm "
    "ON customers USING gin (search_text gin_trgm_ops)",
)
_NEW_ENTRY = f"VALUES ({FTS_ROWID_BASE} - new.id, new.search_text)"
_OLD_ENTRY = f"VALUES ('delete', {FTS_ROWID_BASE} - old.id, old.search_text)"
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS customers_fts USING fts5("
    "search_text, content='', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS customers_fts_ai AFTER INSERT ON customers BEGIN "
    f"INSERT INTO customers_fts(rowid, search_text) {_NEW_ENTRY}; END",
    # A contentless FTS5 table forgets a row only when told its old text.
    "CREATE TRIGGER IF NOT EXISTS customers_fts_ad AFTER DELETE ON customers BEGIN "
    f"INSERT INTO customers_fts(customers_fts, rowid, search_text) {_OLD_ENTRY}; END",
    "CREATE TRIGGER IF NOT EXISTS customers_fts_au AFTER UPDATE OF search_text ON customers "
    f"BEGIN INSERT INTO customers_fts(customers_fts, rowid, search_text) {_OLD_ENTRY}; "
    f"INSERT INTO customers_fts(rowid, search_text) {_NEW_ENTRY}; END",
)
# Fills the table from `customers` (after SQLITE_DDL on a table that has rows), then
# merges its segments into one: a search reads one posting list per trigram.
SQLITE_OPTIMIZE = "INSERT INTO customers_fts(customers_fts) VALUES ('optimize')"
SQLITE_REFILL = (
    "INSERT INTO customers_fts(customers_fts) VALUES ('delete-all')",
    "INSERT INTO customers_fts(rowid, search_text) "
    f"SELECT {FTS_ROWID_BASE} - id, search_text FROM customers",
    SQLITE_OPTIMIZE,
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS customers_fts_ai",
    "DROP TRIGGER IF EXISTS customers_fts_ad",
    "DROP TRIGGER IF EXISTS customers_fts_au",
    "DROP TABLE IF EXISTS customers_fts",
)


def compact() -> None:
    """Merge the SQLite search index into one segment, and commit.

    About 0.4 s at 100,000 customers, holding SQLite's write lock. Nothing to do on
    PostgreSQL: autovacuum keeps the trigram index.
    """
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text(SQLITE_OPTIMIZE))
        db.session.commit()
