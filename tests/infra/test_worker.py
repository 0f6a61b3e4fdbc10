"""The job queue with Redis and a real `rq worker` process (run by .ci/run).

Start the worker from the repo root with the same environment as the tests:
CM_ENV=test TEST_DATABASE_URL=… TEST_REDIS_URL=… rq worker --url "$TEST_REDIS_URL"
--worker-class cloudmanager.infra.worker.AppWorker --with-scheduler high default low
"""

import json
import os
import time
import uuid

import pytest

from cloudmanager.core import permissions
from cloudmanager.extensions import db as _db
from cloudmanager.infra.queue import enqueue, failed_jobs, get_queue
from cloudmanager.settings.models import Setting
from tests.infra import jobs

pytestmark = pytest.mark.worker
WAIT_SECONDS = 30


@pytest.fixture
def worker_redis(app, redis_url):
    """Redis shared with the worker; needs a database the worker can reach too."""
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("needs TEST_DATABASE_URL: the worker must reach the test database")
    from cloudmanager.infra.queue import redis_connection

    return redis_connection()


def wait_for(probe, timeout: float = WAIT_SECONDS):
    """Poll `probe()` until it returns something truthy; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"no result after {timeout}s: is an rq worker running on this Redis?")


@pytest.fixture
def enqueue_route(app, monkeypatch):
    """POST /_test/enqueue: writes a row, enqueues a job reading it, then commits."""

    def view(marker: str):
        _db.session.add(Setting(key=f"test.{marker}", value=f"written by request {marker}"))
        enqueue("tests.infra.jobs.record_setting", f"test.{marker}", marker)
        _db.session.flush()
        time.sleep(1)  # a job sent before the commit would now find no row
        _db.session.commit()
        return "queued"

    app.add_url_rule("/_test/enqueue/<marker>", "test_enqueue", view, methods=["POST"])
    monkeypatch.setitem(permissions.ENDPOINTS, "test_enqueue", permissions.PUBLIC)


def test_job_enqueued_in_a_request_runs_in_the_worker_after_commit(
    client, worker_redis, enqueue_route
):
    marker = uuid.uuid4().hex

    assert client.post(f"/_test/enqueue/{marker}").status_code == 200

    proof = wait_for(lambda: worker_redis.get(jobs.proof_key(marker)))
    assert json.loads(proof) == f"written by request {marker}"


def test_failing_job_is_retried_by_the_worker_then_lands_in_the_failed_registry(
    app, db, worker_redis
):
    from rq.registry import FailedJobRegistry

    marker = uuid.uuid4().hex
    enqueue("tests.infra.jobs.always_fails", marker)
    db.session.commit()

    failed = wait_for(lambda: [job for job in failed_jobs() if marker in job["args"]])

    assert failed[0]["description"] == "tests.infra.jobs.always_fails"
    assert failed[0]["error"] == f"RuntimeError: boom {marker}"
    attempts = int(worker_redis.get(jobs.attempts_key(marker)))
    assert attempts == app.config["JOB_RETRIES"] + 1
    registry = FailedJobRegistry(queue=get_queue("default"))
    assert failed[0]["id"] in registry.get_job_ids()
    registry.remove(failed[0]["id"], delete_job=True)
