"""Background jobs on RQ, enqueued only once the current transaction commits.

`enqueue("cloudmanager.invoices.jobs.render_pdf", invoice_id)` remembers the
job on the SQLAlchemy session; when that session commits, the job goes to
Redis (or, without `REDIS_URL`, runs inline in a fresh app context); when it
rolls back, the job is dropped. Jobs take ids, not objects, and are looked up
by dotted path so the worker needs nothing but this module.
"""

import logging
import os
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.utils import import_string

from cloudmanager.core.timeutil import utcnow

log = logging.getLogger(__name__)

PENDING_KEY = "cloudmanager.pending_jobs"
INLINE_FAILURES: deque = deque(maxlen=200)


@dataclass
class PendingJob:
    """A job waiting for its transaction to commit."""

    path: str
    args: tuple
    kwargs: dict
    queue: str = "default"
    job_id: str | None = None
    timeout: int = 600
    meta: dict = field(default_factory=dict)


def enqueue(
    path: str,
    *args: Any,
    queue: str = "default",
    job_id: str | None = None,
    timeout: int = 600,
    **kwargs: Any,
) -> None:
    """Run `path(*args, **kwargs)` in the background after the next commit."""
    from cloudmanager.extensions import db

    session = db.session()
    if not session.in_transaction():
        # Without a transaction a rollback() fires no event and the job would
        # survive until some later, unrelated commit.
        session.begin()
    session.info.setdefault(PENDING_KEY, []).append(
        PendingJob(path, args, kwargs, queue=queue, job_id=job_id, timeout=timeout)
    )


@contextmanager
def jobs_dropped() -> Iterator[None]:
    """Jobs queued inside the block are forgotten: imported history (the demo's past
    year) renders no PDFs and emails nobody when it is committed."""
    from cloudmanager.extensions import db

    before = len(db.session().info.setdefault(PENDING_KEY, []))
    yield
    pending: list[PendingJob] = db.session().info.get(PENDING_KEY) or []
    del pending[before:]


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the data is not committed yet
    jobs = session.info.pop(PENDING_KEY, [])
    for job in jobs:
        try:
            dispatch(job)
        except Exception:  # Redis down: the data is committed, so do not fail the request
            log.exception("could not enqueue %s%r after commit", job.path, job.args)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def redis_connection():
    """A Redis client for `REDIS_URL`."""
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"])


def get_queue(name: str = "default"):
    """The RQ queue `name` on the configured Redis."""
    from rq import Queue

    return Queue(name, connection=redis_connection())


def dispatch(job: PendingJob) -> None:
    """Send a committed job to RQ, or run it inline without Redis."""
    if current_app.config.get("REDIS_URL"):
        from rq import Retry

        retries = current_app.config["JOB_RETRIES"]
        get_queue(job.queue).enqueue(
            run_job,
            args=(job.path, *job.args),
            kwargs=job.kwargs,
            job_id=job.job_id,
            job_timeout=job.timeout,
            retry=(
                Retry(max=retries, interval=current_app.config["JOB_RETRY_INTERVALS"])
                if retries
                else None
            ),
            description=job.path,
        )
        return
    run_inline(job)


def run_inline(job: PendingJob) -> None:
    """Run the job now, in its own app context (so its own session), with retries."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    attempts = 1 + app.config.get("JOB_RETRIES", 0)
    for attempt in range(1, attempts + 1):
        with app.app_context():
            try:
                import_string(job.path)(*job.args, **job.kwargs)
                return
            except Exception as exc:  # a job must never break the request
                from cloudmanager.extensions import db

                db.session.rollback()
                log.warning("job %s failed (attempt %s/%s): %s", job.path, attempt, attempts, exc)
                error = exc
    INLINE_FAILURES.appendleft(
        {
            "id": job.job_id or "inline",
            "description": job.path,
            "args": repr(job.args),
            "error": f"{error.__class__.__name__}: {error}",
            "ended_at": utcnow(),
            "queue": job.queue,
        }
    )


_worker_app: Flask | None = None
_worker_pid: int | None = None


def worker_app() -> Flask:
    """The app a worker runs jobs in: created once per process."""
    global _worker_app, _worker_pid
    if _worker_app is None:
        from cloudmanager import create_app

        _worker_app = create_app()
    if _worker_pid != os.getpid():
        # After a fork the pooled connections belong to the parent.
        with _worker_app.app_context():
            from cloudmanager.extensions import db

            db.engine.dispose(close=False)
        _worker_pid = os.getpid()
    return _worker_app


def run_job(path: str, *args: Any, **kwargs: Any) -> Any:
    """The function RQ executes: load the job by path and run it in an app context."""
    if has_app_context():
        return import_string(path)(*args, **kwargs)
    with worker_app().app_context():
        return import_string(path)(*args, **kwargs)


def current_job_id() -> str | None:
    """The id of the RQ job being executed, if any."""
    from rq import get_current_job

    job = get_current_job()
    return job.id if job else None


def failed_jobs(limit: int = 100) -> list[dict[str, Any]]:
    """Jobs that used up their retries, newest first, with their last error."""
    if not current_app.config.get("REDIS_URL"):
        return list(INLINE_FAILURES)[:limit]
    from rq.registry import FailedJobRegistry

    rows: list[dict[str, Any]] = []
    for name in current_app.config["RQ_QUEUES"]:
        queue = get_queue(name)
        registry = FailedJobRegistry(queue=queue)
        for job in queue.job_class.fetch_many(
            registry.get_job_ids(0, limit - 1, desc=True), connection=queue.connection
        ):
            if job is None:
                continue
            rows.append(
                {
                    "id": job.id,
                    "description": job.description,
                    "args": repr(job.args[1:]),
                    "error": _last_line(job.latest_result()),
                    "ended_at": job.ended_at,
                    "queue": name,
                }
            )
    rows.sort(key=lambda row: row["ended_at"] or datetime.min, reverse=True)
    return rows[:limit]


def _last_line(result: Any) -> str:
    text = getattr(result, "exc_string", None) or ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
