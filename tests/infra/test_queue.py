"""The job queue in inline mode (no Redis): after commit, dropped on rollback, retried."""

import pytest

from cloudmanager.infra import queue
from cloudmanager.infra.queue import enqueue, failed_jobs
from cloudmanager.settings.models import Setting
from tests.infra import jobs


@pytest.fixture
def inline_jobs(app, monkeypatch):
    """Jobs run in-process even when TEST_REDIS_URL is set; records start empty."""
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    monkeypatch.setattr(queue, "INLINE_FAILURES", type(queue.INLINE_FAILURES)(maxlen=200))
    jobs.CALLS.clear()
    yield jobs.CALLS
    jobs.CALLS.clear()


def test_job_runs_only_after_commit_and_sees_the_committed_row(db, inline_jobs):
    db.session.add(Setting(key="test.flag", value="committed value"))
    enqueue("tests.infra.jobs.record_setting", "test.flag", "m1")
    db.session.flush()
    assert inline_jobs == []

    db.session.commit()

    assert inline_jobs == [("record_setting", "m1", "committed value")]


def test_job_is_dropped_when_the_transaction_rolls_back(db, inline_jobs):
    db.session.add(Setting(key="test.flag", value="never committed"))
    enqueue("tests.infra.jobs.record_setting", "test.flag", "m2")
    db.session.rollback()

    db.session.add(Setting(key="test.other", value="x"))
    db.session.commit()

    assert inline_jobs == []


def test_failing_job_is_retried_then_listed_in_failed_jobs(app, db, inline_jobs):
    enqueue("tests.infra.jobs.always_fails", "m3")
    db.session.commit()

    assert inline_jobs == [("always_fails", "m3")] * (app.config["JOB_RETRIES"] + 1)
    (failed,) = failed_jobs()
    assert failed["description"] == "tests.infra.jobs.always_fails"
    assert failed["error"] == "RuntimeError: boom m3"
    assert "m3" in failed["args"]


def test_failing_job_does_not_break_the_committing_request(app, db, inline_jobs):
    enqueue("tests.infra.jobs.always_fails", "m4")
    enqueue("tests.infra.jobs.record_setting", "test.none", "m5")
    db.session.commit()  # must not raise

    assert ("record_setting", "m5", "missing") in inline_jobs


def test_jobs_page_shows_failed_jobs_to_admins(app, db, client, login_as, inline_jobs):
    enqueue("tests.infra.jobs.always_fails", "m6")
    db.session.commit()
    login_as("admin")

    response = client.get("/jobs")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "tests.infra.jobs.always_fails" in page
    assert "RuntimeError: boom m6" in page


@pytest.mark.parametrize("role", ["manager", "agent", "accountant"])
def test_jobs_page_is_refused_to_other_roles(client, login_as, role):
    login_as(role)
    assert client.get("/jobs").status_code == 403


def test_job_enqueued_before_any_query_is_dropped_on_rollback(db, inline_jobs):
    db.session.commit()  # no transaction open: enqueue is the first thing that happens
    enqueue("tests.infra.jobs.record_setting", "test.flag", "m7")
    db.session.rollback()

    db.session.add(Setting(key="test.flag", value="later"))
    db.session.commit()

    assert inline_jobs == []


def test_commit_succeeds_and_logs_when_redis_is_unreachable(app, db, caplog, inline_jobs):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    db.session.add(Setting(key="test.flag", value="kept"))
    enqueue("tests.infra.jobs.record_setting", "test.flag", "m8")

    db.session.commit()

    assert db.session.get(Setting, "test.flag").value == "kept"
    assert "could not enqueue tests.infra.jobs.record_setting" in caplog.text


def test_a_released_savepoint_does_not_start_the_jobs(app, db, monkeypatch):
    import cloudmanager.infra.queue as queue

    started = []
    monkeypatch.setattr(queue, "run_inline", lambda job: started.append(job.path))
    db.session.execute(db.text("SELECT 1"))
    with db.session.begin_nested():
        queue.enqueue("tests.infra.jobs.always_fails", "x")
    assert started == []  # the savepoint's release is not the commit
    db.session.commit()
    assert started == ["tests.infra.jobs.always_fails"]


def test_jobs_queued_inside_jobs_dropped_are_forgotten_the_others_run(db, inline_jobs):
    db.session.add(Setting(key="test.flag", value="kept"))
    enqueue("tests.infra.jobs.record_setting", "test.flag", "before")
    with queue.jobs_dropped():
        enqueue("tests.infra.jobs.record_setting", "test.flag", "imported history")
    enqueue("tests.infra.jobs.record_setting", "test.flag", "after")

    db.session.commit()

    assert inline_jobs == [
        ("record_setting", "before", "kept"),
        ("record_setting", "after", "kept"),
    ]
