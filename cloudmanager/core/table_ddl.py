"""Hand-written DDL (triggers, search indexes) that `create_all` runs with a table.

The migrations create the same objects; these hooks cover tables made by
`create_all` (tests, benches, the demo database).
"""

from typing import Any, Iterable

from sqlalchemy import DDL, event


def run_after_create(table: Any, dialect: str, statements: Iterable[str]) -> None:
    """Run `statements` right after `table` is created on a `dialect` database."""
    for statement in statements:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))


def run_before_drop(table: Any, dialect: str, statements: Iterable[str]) -> None:
    """Run `statements` right before `table` is dropped from a `dialect` database."""
    for statement in statements:
        event.listen(table, "before_drop", DDL(statement).execute_if(dialect=dialect))
