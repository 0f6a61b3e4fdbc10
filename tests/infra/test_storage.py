"""File storage: generated names, size and sniffed-type limits, safe keys, attachments."""

import hashlib
import io
import os
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from cloudmanager.core.errors import NotFound, ValidationFailed
from cloudmanager.infra import storage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def upload(data: bytes, filename: str, content_type: str = "application/octet-stream"):
    """A form upload as werkzeug hands it to a view."""
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


def test_upload_is_stored_under_a_generated_name_not_the_users(app):
    stored = storage.save_upload(upload(PNG, "../../etc/My Photo.png", "image/png"))

    assert stored.original_name == "My Photo.png"
    assert stored.content_type == "image/png"
    assert stored.size == len(PNG)
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()
    assert "Photo" not in stored.key and stored.key.endswith(".png")
    on_disk = [p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()]
    assert all("Photo" not in p.name for p in on_disk)
    assert storage.read_stored(stored.key) == PNG


def test_type_is_sniffed_from_the_bytes_not_the_client_content_type(app):
    stored = storage.save_upload(upload(PDF, "scan.png", "image/png"))
    assert stored.content_type == "application/pdf"
    assert stored.key.endswith(".pdf")


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"GIF89a" + b"\x00" * 20, "a.gif", "image/gif"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "a.jpeg", "image/jpeg"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "a.webp", "image/webp"),
        ("name;amount\nMüller;12.50\n".encode(), "export.csv", "text/csv"),
        (b"plain notes\r\n\tindented\n", "notes.txt", "text/plain"),
    ],
)
def test_every_allowed_type_is_recognised(app, data, name, content_type):
    assert storage.save_bytes(data, name).content_type == content_type


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "invoice.pdf", "This type of file is not accepted."),
        (b"PK\x03\x04" + b"\x00" * 30, "report.csv", "This type of file is not accepted."),
        (b"ok text then \x00\x01 binary", "notes.txt", "This type of file is not accepted."),
        (b"a" * 600 + b"\x00", "notes.txt", "This text file contains binary data."),
    ],
)
def test_disallowed_content_is_refused_on_the_file_field(app, data, name, message):
    with pytest.raises(ValidationFailed) as error:
        storage.save_bytes(data, name)
    assert error.value.errors["file"].startswith(message)


def test_svg_is_not_accepted_where_images_are_required(app):
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    with pytest.raises(ValidationFailed) as error:
        storage.save_bytes(svg, "logo.svg", allowed=storage.IMAGES)
    assert error.value.errors["file"] == (
        "This type of file is not accepted. Accepted: GIF, JPG, PNG, WEBP."
    )


def test_text_that_is_not_utf8_is_refused_with_a_clear_message(app):
    latin1 = ("a" * 600 + "Müller;12,50\n").encode("latin-1")
    with pytest.raises(ValidationFailed) as error:
        storage.save_bytes(latin1, "export.csv")
    assert error.value.errors["file"] == "Text and CSV files must be UTF-8 encoded."


def test_files_over_the_limit_are_refused_and_leave_nothing_behind(app):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    with pytest.raises(ValidationFailed) as error:
        storage.save_bytes(PNG + b"\x00" * 2000, "big.png")
    assert error.value.errors["file"] == "The file is larger than the limit of 1 KB."
    leftovers = [p for p in Path(app.config["STORAGE_DIR"]).rglob(".upload-*")]
    assert leftovers == []


def test_the_size_limit_can_be_raised_per_call(app):
    app.config["UPLOAD_MAX_BYTES"] = 10
    assert storage.save_bytes(PNG, "ok.png", max_bytes=len(PNG)).size == len(PNG)
    with pytest.raises(ValidationFailed):
        storage.save_bytes(PNG, "ok.png", max_bytes=len(PNG) - 1)


def test_empty_and_missing_uploads_are_refused(app):
    with pytest.raises(ValidationFailed) as error:
        storage.save_bytes(b"", "empty.txt")
    assert error.value.errors["file"] == "The file is empty."
    with pytest.raises(ValidationFailed) as error:
        storage.save_upload(upload(b"", ""))
    assert error.value.errors["file"] == "Choose a file to upload."


@pytest.mark.parametrize(
    "key",
    [
        "../../../etc/passwd",
        "/etc/passwd",
        "0123456789abcdef0123456789abcdef.pdf/../../x",
        "0123456789abcdef0123456789abcdef.exe",
        "..%2f..%2fetc%2fpasswd",
        "",
    ],
)
def test_keys_that_we_did_not_generate_are_not_found(app, key):
    with pytest.raises(NotFound):
        storage.open_stored(key)
    with pytest.raises(NotFound):
        storage.delete_stored(key)


def test_delete_removes_the_file_and_is_idempotent(app):
    stored = storage.save_bytes(PDF, "a.pdf")
    assert storage.delete_stored(stored.key) is True
    assert storage.delete_stored(stored.key) is False
    with pytest.raises(NotFound):
        storage.read_stored(stored.key)


def test_send_stored_serves_an_attachment_with_nosniff(app):
    stored = storage.save_bytes(PDF, "Rechnung 2026-0001.pdf")
    with app.test_request_context():
        response = storage.send_stored(stored.key, "Rechnung 2026-0001.pdf", stored.content_type)
        response.direct_passthrough = False
        body = response.get_data()
    assert body == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Rechnung" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_stored_files_are_sharded_into_subfolders(app):
    stored = storage.save_bytes(PDF, "a.pdf")
    path = storage.path_for(stored.key)
    assert path.parent.name == stored.key[2:4]
    assert path.parent.parent.name == stored.key[:2]
    assert os.path.commonpath([path, app.config["STORAGE_DIR"]]) == str(
        Path(app.config["STORAGE_DIR"]).resolve()
    )
