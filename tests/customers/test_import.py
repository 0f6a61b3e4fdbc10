"""CSV import: mapping guess, preview errors, 10,000 rows with 50 bad ones, progress,
all-or-nothing, the rejected-rows report, and the pages."""

import csv
import io
import time

import pytest
from sqlalchemy import func, select, text

from cloudmanager.customers import jobs
from cloudmanager.customers.imports import guess_mapping, preview, queue_import, upload_import
from cloudmanager.customers.models import Contact, Customer, CustomerTag, ImportBatch

HEADER = ["Company Name", "E-Mail", "Country", "VAT", "Phone", "Tags", "Contact", "Contact email"]


def big_csv(existing_email: str) -> tuple[bytes, dict[int, str]]:
    """10,000 data rows; 50 of them bad (line number → the field that is wrong)."""
    rows, bad = [], {}
    for i in range(10_000):
        line = i + 2
        row = [f"Firm {i}", f"firm{i}@example.com", "DE", "", "", "import", "", ""]
        if i % 10 == 0:
            row[3], row[4] = f"DE{100000000 + i}", "+49 30 1234567"
            row[6], row[7] = f"Person {i}", f"person{i}@firm{i}.example"
        if i % 200 == 199:  # 50 bad rows, five kinds of mistakes
            mistake = (i // 200) % 5
            if mistake == 0:
                row[1], bad[line] = "not-an-email", "email"
            elif mistake == 1:
                row[0], bad[line] = "", "name"
            elif mistake == 2:
                row[2], bad[line] = "XX", "country"
            elif mistake == 3:
                row[3], bad[line] = "DE12", "vat_id"
            else:
                row[1], bad[line] = existing_email, "email"
        rows.append(row)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(), bad


def wait_until_done(db, batch_id, timeout=60.0):
    """Inline jobs are done at once; with Redis a real worker needs a moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        batch = db.session.get(ImportBatch, batch_id)
        if batch.done:
            return batch
        time.sleep(0.2)
    raise AssertionError(f"import {batch_id} did not finish in {timeout}s")


def test_mapping_is_guessed_from_header_names():
    mapping = guess_mapping(HEADER)
    assert mapping["name"] == 0 and mapping["email"] == 1 and mapping["country"] == 2
    assert mapping["vat_id"] == 3 and mapping["contact_name"] == 6
    assert mapping["contact_email"] == 7 and mapping["website"] is None


def test_preview_reports_errors_row_by_row(db, users):
    data = b"name;email;country\nGood;good@example.com;DE\n;bad;XX\nGood2;good@example.com;FR\n"
    batch = upload_import("x.csv", data, by=users["admin"])
    _headers, results = preview(batch)
    assert [r.errors for r in results][0] == {}
    assert set(results[1].errors) == {"name", "email", "country"}
    assert "more than once" in results[2].errors["email"]


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("x.txt", b"a,b\n1,2\n", ".csv"),
        ("x.csv", b"name,email\n", "no header row or no data"),
        ("x.csv", b"\x00\x01\x02binary", "not a text CSV"),
    ],
)
def test_bad_uploads_are_refused(db, users, name, data, message):
    from cloudmanager.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as info:
        upload_import(name, data, by=users["admin"])
    assert message in info.value.errors["file"]


@pytest.mark.slow
def test_ten_thousand_rows_with_fifty_bad_import_9950_and_report_the_50(
    db, users, make_customer, monkeypatch
):
    existing = make_customer(email="taken@example.com")
    data, bad = big_csv(existing.email)
    batch = upload_import("big.csv", data, by=users["manager"])
    db.session.commit()

    seen_progress = []
    real_validate = jobs.validate_rows

    def watching_validate(rows, mapping, progress=None, **kwargs):
        def observe(done):
            progress(done)
            with db.engine.connect() as other:  # what the polling page would read
                seen_progress.append(
                    other.execute(
                        text("SELECT processed FROM customer_import_batches WHERE id = :id"),
                        {"id": batch.id},
                    ).scalar()
                )

        return real_validate(rows, mapping, progress=observe, **kwargs)

    monkeypatch.setattr(jobs, "validate_rows", watching_validate)
    batch.status = "queued"  # what queue_import does; the job runs here, in-process
    db.session.commit()
    jobs.run_import(batch.id)

    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.status == "done"
    assert (batch.total, batch.imported, batch.rejected) == (10_000, 9_950, 50)
    assert db.session.scalar(select(func.count(Customer.id))) == 9_951
    assert (
        db.session.scalar(select(func.count(Contact.id))) == 1_000
    )  # every tenth row has a contact
    assert (
        db.session.scalar(
            select(func.count()).select_from(CustomerTag).where(CustomerTag.tag == "import")
        )
        == 9_950
    )
    assert seen_progress == list(range(500, 10_001, 500))  # committed while running

    report = list(csv.DictReader(io.StringIO(batch.error_report)))
    assert {int(row["line"]): row for row in report}.keys() == bad.keys()
    for row in report:
        assert row["errors"].startswith(bad[int(row["line"])] + ":")

    imported = db.session.scalar(select(Customer).where(Customer.email == "firm10@example.com"))
    assert imported.number.startswith("C-") and imported.vat_id == "DE100000010"
    assert "person 10" in imported.search_text and imported.contacts[0].is_primary


def test_a_crash_during_the_insert_leaves_the_database_as_before(db, users, monkeypatch):
    data = b"name,email,country\nA,a@example.com,DE\nB,b@example.com,FR\n"
    batch = upload_import("crash.csv", data, by=users["admin"])
    db.session.commit()
    real_insert = jobs.insert_customers

    def insert_then_crash(*args, **kwargs):
        real_insert(*args, **kwargs)
        assert db.session.scalar(select(func.count(Customer.id))) == 2  # written, not committed
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "insert_customers", insert_then_crash)
    batch.status = "queued"
    db.session.commit()
    jobs.run_import(batch.id)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Customer.id))) == 0
    assert db.session.scalar(select(func.count(CustomerTag.tag))) == 0
    failed = db.session.get(ImportBatch, batch.id)
    assert failed.status == "failed" and "nothing was imported" in failed.error_message


def test_running_the_job_twice_imports_once(db, users):
    batch = upload_import("a.csv", b"name,email,country\nA,a@example.com,DE\n", by=users["admin"])
    queue_import(batch, by=users["admin"])
    db.session.commit()
    wait_until_done(db, batch.id)
    jobs.run_import(batch.id)
    assert db.session.scalar(select(func.count(Customer.id))) == 1


def test_import_pages_walk_from_upload_to_report(client, db, login_as):
    login_as("manager")
    data = b"Name,Email,Country\nGood Co,good@example.com,DE\nBad Co,bad,DE\n"
    response = client.post(
        "/customers/import", data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    batch = db.session.scalars(select(ImportBatch)).one()
    assert response.headers["Location"].endswith(f"/customers/import/{batch.id}")
    mapping_page = client.get(f"/customers/import/{batch.id}").data.decode()
    assert "Bad Co" in mapping_page and "valid email" in mapping_page
    unmapped = client.post(
        f"/customers/import/{batch.id}", data={"map_name": "0"}, headers={"HX-Request": "true"}
    )
    assert unmapped.status_code == 422 and b"map_email-error" in unmapped.data
    client.post(
        f"/customers/import/{batch.id}",
        data={"map_name": "0", "map_email": "1", "map_country": "2"},
    )
    started = client.post(f"/customers/import/{batch.id}/start")
    assert started.headers["Location"].endswith(f"/customers/import/{batch.id}/progress")
    wait_until_done(db, batch.id)
    fragment = client.get(f"/customers/import/{batch.id}/progress", headers={"HX-Request": "true"})
    assert b"<progress" in fragment.data and b'hx-trigger="every 1s"' not in fragment.data
    assert b'id="imported-count">1<' in fragment.data
    report = client.get(f"/customers/import/{batch.id}/report.csv")
    assert report.mimetype == "text/csv" and b"Bad Co" in report.data and b"email:" in report.data


def test_progress_fragment_polls_while_the_import_runs(client, db, users, login_as):
    batch = upload_import("a.csv", b"name,email,country\nA,a@example.com,DE\n", by=users["admin"])
    batch.status, batch.total, batch.processed = "running", 10, 4
    db.session.commit()
    login_as(users["manager"])
    fragment = client.get(f"/customers/import/{batch.id}/progress", headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in fragment.data and b'value="40"' in fragment.data


def test_a_large_import_compacts_the_search_index(db, users, monkeypatch):
    from cloudmanager.customers import search_index

    compacted = []
    monkeypatch.setattr(jobs, "COMPACT_AFTER", 2)
    monkeypatch.setattr(search_index, "compact", lambda: compacted.append(True))
    small = upload_import("a.csv", b"name,email,country\nA,a@example.com,DE\n", by=users["admin"])
    small.status = "queued"
    db.session.commit()
    jobs.run_import(small.id)
    assert compacted == []
    data = b"name,email,country\nB,b@example.com,DE\nC,c@example.com,FR\n"
    large = upload_import("b.csv", data, by=users["admin"])
    large.status = "queued"
    db.session.commit()
    jobs.run_import(large.id)
    assert compacted == [True]
    assert db.session.scalar(select(func.count(Customer.id))) == 3
