"""PostgreSQL's ordered trigram postings: for one trigram, its customers newest first.

A search for a common term newest first ("cloud", held by 4 % of customers) walks
the primary key backwards and checks every customer until a page has matched:
1,200 rows at 100,000 customers, 1.0 ms of the database's time against 0.2 ms for
the list's page. The pg_trgm GIN index cannot stop early: it hands over every
match (4,111) unordered, to be sorted.

`customer_trigrams` holds one row per (trigram, customer) for the trigrams of
`customers.search_text` made of word characters only (none of SEPARATORS: nobody
searches for " | "). Its primary key read backwards for one trigram of the term
lists the customers that may match, newest first; each is checked for the whole
term, and the walk stops once a page is full: 51 rows checked for "cloud",
0.3 ms. Every row holding the term holds each of its trigrams, so none is missed.

It costs about 30 rows per customer (about 190 MB with its key at 100,000
customers) and about 30 index entries per customer written. Statement triggers
keep it in step with `customers` on insert (the CSV import's bulk insert and COPY
included), delete and truncate; a row trigger on a changed `search_text`. The
migration creates the table and fills it; `models.py` registers the same DDL for
tables made by `create_all` (tests, benches). Nothing of this exists on SQLite,
whose FTS5 index is already read in this order (search_index.py).
"""

TABLE = "customer_trigrams"
# Characters that end a word: trigrams holding one are not kept. The SQL below
# lists the same characters; they must stay free of "%", ":" and backslashes,
# which the DDL's drivers would read as markers.
SEPARATORS = " |@.,;-_/+()&'\""
_SQL_SEPARATORS = SEPARATORS.replace("'", "''")


def indexed_trigrams(value: str) -> set[str]:
    """The trigrams of `value` the table holds: 3 characters, none of them a separator."""
    return {
        value[start : start + 3]
        for start in range(len(value) - 2)
        if not any(character in SEPARATORS for character in value[start : start + 3])
    }


_TRIGRAMS_OF = "{table}, search_trigrams({table}.search_text) AS found(trigram)"
POSTGRES_DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    'trigram text COLLATE "C" NOT NULL, customer_id integer NOT NULL, '
    "PRIMARY KEY (trigram, customer_id))",
    # indexed_trigrams() in SQL: both must give the same set.
    f"""
    CREATE OR REPLACE FUNCTION search_trigrams(value text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT DISTINCT substr(value, start, 3) FROM generate_series(1, length(value) - 2) start
        WHERE length(translate(substr(value, start, 3), '{_SQL_SEPARATORS}', '')) = 3
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION add_customer_trigrams() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {TABLE} (trigram, customer_id)
        SELECT found.trigram, added.id FROM {_TRIGRAMS_OF.format(table="added")};
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION remove_customer_trigrams() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE} AS kept USING {_TRIGRAMS_OF.format(table="removed")}
        WHERE kept.customer_id = removed.id AND kept.trigram = found.trigram;
        RETURN NULL;
    END $$
    """,
    # Rewrites one customer's trigrams when its text changed (edits, contacts).
    f"""
    CREATE OR REPLACE FUNCTION replace_customer_trigrams() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE} WHERE customer_id = OLD.id
            AND trigram IN (SELECT search_trigrams(OLD.search_text));
        INSERT INTO {TABLE} (trigram, customer_id)
        SELECT search_trigrams(NEW.search_text), NEW.id;
        RETURN NULL;
    END $$
    """,
    "CREATE OR REPLACE FUNCTION empty_customer_trigrams() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN TRUNCATE {TABLE}; RETURN NULL; END $$",
    "CREATE TRIGGER customers_trigrams_insert AFTER INSERT ON customers "
    "REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
    "EXECUTE FUNCTION add_customer_trigrams()",
    "CREATE TRIGGER customers_trigrams_delete AFTER DELETE ON customers "
    "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT "
    "EXECUTE FUNCTION remove_customer_trigrams()",
    "CREATE TRIGGER customers_trigrams_update AFTER UPDATE ON customers "
    "FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text OR OLD.id <> NEW.id) "
    "EXECUTE FUNCTION replace_customer_trigrams()",
    "CREATE TRIGGER customers_trigrams_truncate AFTER TRUNCATE ON customers "
    "FOR EACH STATEMENT EXECUTE FUNCTION empty_customer_trigrams()",
)
# Fills the table from `customers` (the migration, after POSTGRES_DDL).
POSTGRES_REFILL = (
    f"TRUNCATE {TABLE}",
    f"INSERT INTO {TABLE} (trigram, customer_id) "
    f"SELECT found.trigram, customers.id FROM {_TRIGRAMS_OF.format(table='customers')}",
    f"ANALYZE {TABLE}",
)
POSTGRES_DROP = (
    *(
        f"DROP TRIGGER IF EXISTS customers_trigrams_{operation} ON customers"
        for operation in ("insert", "delete", "update", "truncate")
    ),
    f"DROP TABLE IF EXISTS {TABLE}",
    *(
        f"DROP FUNCTION IF EXISTS {name}"
        for name in (
            "add_customer_trigrams()",
            "remove_customer_trigrams()",
            "replace_customer_trigrams()",
            "empty_customer_trigrams()",
            "search_trigrams(text)",
        )
    ),
)
