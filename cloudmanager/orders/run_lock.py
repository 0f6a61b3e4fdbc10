"""One billing run at a time: a lock held for the whole run, freed if the process dies.

The clock's daily job, "Run now" on the runs page and `flask billing run` all go
through `run_billing_exclusively`; a run asked for while another is running is
refused (`RunInProgress`) and records nothing. The run itself stays safe without
the lock (each period is billed once, by a unique key): the lock only keeps two
runs from racing through the same services and both reporting them.

On PostgreSQL the lock is a session-level advisory lock on a connection of its
own (the run commits service by service on the session's pooled connections,
so the lock cannot live there). On SQLite, a file on one machine, it is an
exclusive `flock` on a file beside the database. The server or the kernel frees
either when the process dies, so a crashed run never blocks the next one.
"""

import fcntl
import os
import tempfile
from contextlib import contextmanager
from datetime import date
from typing import Iterator

from sqlalchemy import text

from cloudmanager.core.errors import Conflict
from cloudmanager.extensions import db

ADVISORY_KEY = 7_202_601  # any constant no other advisory lock of ours uses


class RunInProgress(Conflict):
    """Another billing run holds the lock."""


def _refuse() -> RunInProgress:
    return RunInProgress("A billing run is already running; try again when it has finished.")


@contextmanager
def _advisory_lock(engine) -> Iterator[None]:
    connection = engine.connect()
    try:
        locked = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
        ).scalar()
        connection.commit()
        if not locked:
            raise _refuse()
        yield
    finally:
        # Closing the server session frees the lock whatever happened; never pool it.
        connection.invalidate()
        connection.close()


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    handle = open(path, "a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _refuse() from None
        yield
    finally:
        handle.close()  # closing the file drops the lock


@contextmanager
def billing_run_lock() -> Iterator[None]:
    """Hold the billing-run lock for the block; RunInProgress when another run holds it."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
        return
    database = engine.url.database
    if not database or database == ":memory:":
        database = os.path.join(tempfile.gettempdir(), "cloudmanager-memory")
    with _file_lock(f"{database}.billing-run.lock"):
        yield


def run_in_progress() -> bool:
    """True while a billing run holds the lock (checked by taking and giving it back)."""
    try:
        with billing_run_lock():
            return False
    except RunInProgress:
        return True


def run_billing_exclusively(on: date | None = None, *, trigger: str = "schedule"):
    """`billing.run_billing` under the lock; RunInProgress while another run is going."""
    from cloudmanager.orders.billing import run_billing

    with billing_run_lock():
        return run_billing(on, trigger=trigger)
