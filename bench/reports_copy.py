"""COPY generated rows into PostgreSQL tables, driven by the models' own table objects.

Generators yield dicts keyed by column name. Whatever a row leaves out is
filled from the model: its scalar or callable default, else NULL when the
column allows it; a column the server fills (server default, serial id) is
left to the server. A NOT NULL column that none of these covers stops the
load with its name, so a schema change shows up here instead of as odd data.
Keys that are not columns of the table are ignored (a generator may set a
column that only newer schemas have).
"""

import csv
import io
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import Table

SERVER = object()  # the server fills it: leave the column out of COPY
REQUIRED = object()  # nothing fills it: the generator must


def _fallback(column, now: datetime) -> Any:
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return default.arg
    if default is not None and getattr(default, "is_callable", False):
        return default.arg(None)  # SQLAlchemy wraps zero-argument callables (utcnow)
    if column.server_default is not None or (column.primary_key and column.autoincrement):
        return SERVER
    if column.nullable:
        return None
    return REQUIRED


NULL = "\\N"  # COPY's NULL marker; csv writes True/False, which PostgreSQL reads as booleans


class TableCopier:
    """Turns dict rows into COPY input for one table, with the model's defaults."""

    def __init__(self, table: Table, now: datetime):
        self.table = table
        self.fallbacks = {c.name: _fallback(c, now) for c in table.columns}
        self.columns: list[str] | None = None

    def _columns_for(self, row: dict) -> list[str]:
        columns = []
        for name, fallback in self.fallbacks.items():
            if name in row or fallback is not SERVER:
                if name not in row and fallback is REQUIRED:
                    raise ValueError(f"{self.table.name}.{name} is NOT NULL and was not generated")
                columns.append(name)
        return columns

    def copy(self, cursor, rows: Iterable[dict]) -> int:
        """COPY `rows` (all with the same keys) into the table; returns how many."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        count = 0
        pairs: list[tuple[str, Any]] = []
        for row in rows:
            if self.columns is None:
                self.columns = self._columns_for(row)
            if not pairs:
                pairs = [(name, self.fallbacks[name]) for name in self.columns]
            writer.writerow([NULL if (v := row.get(n, f)) is None else v for n, f in pairs])
            count += 1
        if count:
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY {self.table.name} ({', '.join(self.columns)}) "
                "FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )
        return count


def reset_sequences(cursor, tables: Iterable[Table]) -> None:
    """Move each serial id sequence past the ids the load wrote."""
    for table in tables:
        if "id" in table.c and table.c.id.autoincrement:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
