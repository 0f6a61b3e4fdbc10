"""Change stamps: a counter per watched table that database triggers move on every write.

A page may keep what it read from a watched table in the process (`StampedValue`,
the settings service, the signed-in staff user) for as long as the table's stamp
stays the same. A staff page reads every stamp first (`read_stamps`, one small
query), and then needs no query for what is unchanged. The
triggers see every writer (the ORM, bulk inserts, cascades) and move the stamp in
the writer's transaction, so a new stamp becomes visible together with the change.
On PostgreSQL they run at commit (deferred), so a transaction holds the stamp's row
lock only while it commits, never while it waits for another lock.

The migration creates the triggers; the DDL events below cover tables made by
`create_all` (tests, benches). A later SQLite batch migration that rebuilds a
watched table drops its triggers: such a revision must run `trigger_ddl` again.
"""

from typing import Any, Callable, Generic, Sequence, TypeVar

from flask import has_request_context, request
from sqlalchemy import BigInteger, String, select
from sqlalchemy.orm import Mapped, mapped_column

from cloudmanager.core.database import check_connections_with, read_rows, take_checked_rows
from cloudmanager.core.table_ddl import run_after_create
from cloudmanager.extensions import db

REQUEST_KEY = "cloudmanager.change_stamps"
UNKNOWN = object()  # no stamp read in this request
T = TypeVar("T")


class ChangeStamp(db.Model):  # type: ignore[name-defined]  # (Flask-SQLAlchemy)
    """How often a watched table was written to (by any statement, committed)."""

    __tablename__ = "change_stamps"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger, default=0)


# The watched tables (`watch`), and the values kept under their stamps (`StampedValue`).
WATCHED: list[str] = []
_VALUES: list["StampedValue"] = []
_FORGETTERS: list[Callable[[], None]] = []

# Once per table and transaction: a bulk insert fires the row trigger for every row, and
# updating one row 100,000 times in a transaction takes a minute (each update walks the
# versions the earlier ones left). The marker is local to the transaction.
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION move_change_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    marker text := 'cloudmanager.change_stamp_' || TG_TABLE_NAME;
BEGIN
    IF current_setting(marker, true) IS DISTINCT FROM 'moved' THEN
        PERFORM set_config(marker, 'moved', true);
        INSERT INTO change_stamps (name, counter) VALUES (TG_TABLE_NAME, 1)
        ON CONFLICT (name) DO UPDATE SET counter = change_stamps.counter + 1;
    END IF;
    RETURN NULL;
END $$
"""


def trigger_ddl(table: str, dialect: str, columns: Sequence[str] = ()) -> list[str]:
    """The statements that make every write to `table` move its stamp.

    With `columns`, an UPDATE moves it only when it sets one of them.
    """
    update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
    if dialect == "postgresql":
        return [
            POSTGRES_FUNCTION,
            f"CREATE CONSTRAINT TRIGGER {table}_change_stamp "
            f"AFTER INSERT OR {update} OR DELETE ON {table} DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION move_change_stamp()",
        ]
    move = (
        f"INSERT INTO change_stamps (name, counter) VALUES ('{table}', 1) "
        "ON CONFLICT (name) DO UPDATE SET counter = counter + 1;"
    )
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_change_stamp_{operation.split()[0].lower()} "
        f"AFTER {operation} ON {table} BEGIN {move} END"
        for operation in ("INSERT", update, "DELETE")
    ]


def drop_trigger_ddl(table: str, dialect: str) -> list[str]:
    """The statements that undo `trigger_ddl` (the function stays: other tables use it)."""
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_change_stamp ON {table}"]
    return [
        f"DROP TRIGGER IF EXISTS {table}_change_stamp_{operation}"
        for operation in ("insert", "update", "delete")
    ]


def watch(table: Any, columns: Sequence[str] = ()) -> None:
    """Stamp every write to `table` (a Table; updates only of `columns`, if given).

    Covers tables made by `create_all`; a migration creates the same triggers.
    """
    WATCHED.append(table.name)
    for dialect in ("postgresql", "sqlite"):
        run_after_create(table, dialect, trigger_ddl(table.name, dialect, columns))


ALL_STAMPS = select(ChangeStamp.name, ChangeStamp.counter)
check_connections_with("SELECT name, counter FROM change_stamps")


def read_stamps() -> None:
    """Read every stamp for this request (one small query); `request_stamp` answers from it.

    A watched table without a row was never written: its stamp is None.
    """
    rows = take_checked_rows()  # PostgreSQL: read by the pool's connection check
    read = dict(read_rows(ALL_STAMPS) if rows is None else rows)
    request.environ[REQUEST_KEY] = {name: read.get(name) for name in WATCHED}


def _request_stamps() -> dict[str, Any] | None:
    return request.environ.get(REQUEST_KEY) if has_request_context() else None


def request_stamp(table: str) -> Any:
    """The stamp of `table` this request read, or UNKNOWN."""
    stamps = _request_stamps()
    return stamps.get(table, UNKNOWN) if stamps else UNKNOWN


def forget_request_stamp(table: str) -> None:
    """This request changed `table`: nothing it reads from it now may be kept under the
    stamp it read before (the change may yet be rolled back)."""
    stamps = _request_stamps()
    if stamps:
        stamps.pop(table, None)


class StampedValue(Generic[T]):
    """What `load` read from `table`, kept by the process while the table's stamp holds.

    Without a stamp read in this request (jobs, commands, the portal) it loads
    every time. A value loaded after its stamp was read is at worst newer than the
    stamp; the next stamp differs, so it is never kept past a change. Callers must
    not change the value they get.
    """

    def __init__(self, table: str, load: Callable[[], T]):
        self.table = table
        self.load = load
        self._kept: tuple[Any, T] | None = None
        _VALUES.append(self)

    def get(self) -> T:
        """The value, from the process while the stamp is unchanged."""
        stamp = request_stamp(self.table)
        if stamp is UNKNOWN:
            return self.load()
        kept = self._kept
        if kept is not None and kept[0] == stamp:
            return kept[1]
        value = self.load()
        self._kept = (stamp, value)
        return value

    def forget(self) -> None:
        """Drop the kept value."""
        self._kept = None


def on_forget_all(forget: Callable[[], None]) -> None:
    """Have `forget_all` call `forget` too (for values kept outside a StampedValue)."""
    _FORGETTERS.append(forget)


def forget_all() -> None:
    """Drop every kept value (tests: stamps restart with every emptied database)."""
    for value in _VALUES:
        value.forget()
    for forget in _FORGETTERS:
        forget()
