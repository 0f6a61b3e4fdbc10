"""`customers.tag_list`: each customer's tags in one column, kept by database triggers.

The customer list shows every row's tags. Read from `customer_tags` they cost
one index probe per row (on PostgreSQL about as much as the rest of the page's
query); here they come with the row. Triggers on `customer_tags` rewrite a
customer's list on every write, whoever writes (the services, the CSV import's
bulk insert, a cascade). The order inside the list is not kept: readers sort.

The migration creates the triggers; `models.py` registers the same DDL for tables
made by `create_all` (tests, benches).
"""

# Tags never hold whitespace (`normalize_tags`), so a unit separator can join them.
TAG_SEPARATOR = "\x1f"

_SQLITE_REFRESH = (
    "UPDATE customers SET tag_list = coalesce((SELECT group_concat(tag, char(31)) "
    "FROM customer_tags WHERE customer_id = {row}.customer_id), '') "
    "WHERE id = {row}.customer_id;"
)
SQLITE_DDL = tuple(
    f"CREATE TRIGGER IF NOT EXISTS customer_tags_list_{name} AFTER {operation} ON customer_tags "
    f"BEGIN {' '.join(_SQLITE_REFRESH.format(row=row) for row in rows)} END"
    for name, operation, rows in (
        ("insert", "INSERT", ("NEW",)),
        ("update", "UPDATE", ("OLD", "NEW")),
        ("delete", "DELETE", ("OLD",)),
    )
)
SQLITE_DROP = tuple(
    f"DROP TRIGGER IF EXISTS customer_tags_list_{name}" for name in ("insert", "update", "delete")
)

_POSTGRES_REFRESH = (
    "UPDATE customers SET tag_list = coalesce((SELECT string_agg(tag, chr(31)) "
    "FROM customer_tags WHERE customer_id = {row}.customer_id), '') "
    "WHERE id = {row}.customer_id;"
)
POSTGRES_DDL = (
    f"""
    CREATE OR REPLACE FUNCTION refresh_customer_tag_list() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN {_POSTGRES_REFRESH.format(row="OLD")} END IF;
        IF TG_OP <> 'DELETE' THEN {_POSTGRES_REFRESH.format(row="NEW")} END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER customer_tags_list AFTER INSERT OR UPDATE OR DELETE ON customer_tags "
    "FOR EACH ROW EXECUTE FUNCTION refresh_customer_tag_list()",
)
POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS customer_tags_list ON customer_tags",
    "DROP FUNCTION IF EXISTS refresh_customer_tag_list()",
)
# Fills the column for tags written before the triggers existed (the migration).
BACKFILL = {
    "sqlite": "UPDATE customers SET tag_list = coalesce((SELECT group_concat(tag, char(31)) "
    "FROM customer_tags WHERE customer_id = customers.id), '')",
    "postgresql": "UPDATE customers SET tag_list = tags.list FROM (SELECT customer_id, "
    "string_agg(tag, chr(31)) AS list FROM customer_tags GROUP BY customer_id) AS tags "
    "WHERE customers.id = tags.customer_id",
}
