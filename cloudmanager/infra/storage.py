"""Uploaded and generated files, stored under `STORAGE_DIR` with generated names.

A file's key is a random hex name plus the extension of its sniffed type
(`3f/a9/3fa9…c2.pdf`); the user's file name never reaches the disk, it is
only returned for the caller to keep in its row. The type is decided by the
file's first bytes, never by the client's Content-Type or the file name, and
the size is limited while streaming (`UPLOAD_MAX_BYTES`, or `max_bytes=`).
Files are served back only as attachments with `nosniff`.
"""

import codecs
import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable

from flask import Response, current_app, send_file

from cloudmanager.core.errors import NotFound, ValidationFailed

CHUNK = 64 * 1024
SNIFF_BYTES = 512

# kind → (content type, extension)
KINDS = {
    "png": ("image/png", "png"),
    "jpeg": ("image/jpeg", "jpg"),
    "gif": ("image/gif", "gif"),
    "webp": ("image/webp", "webp"),
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv", "csv"),
    "text": ("text/plain", "txt"),
}
IMAGES = frozenset({"png", "jpeg", "gif", "webp"})
DOCUMENTS = frozenset({"pdf"}) | IMAGES
ALL_KINDS = frozenset(KINDS)

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}\.(?:png|jpg|gif|webp|pdf|csv|txt)$")
# Text files may hold tabs, line breaks and form feeds, but no other control characters.
_FORBIDDEN_TEXT_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class StoredFile:
    """What the caller keeps in its row to find and serve the file again."""

    key: str
    size: int
    content_type: str
    sha256: str
    original_name: str


def storage_root() -> Path:
    """The configured storage folder (created on first use)."""
    root = Path(current_app.config["STORAGE_DIR"]).resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_for(key: str) -> Path:
    """The file of `key`; refuses anything that is not a key we generated."""
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise NotFound("File not found.")
    root = storage_root()
    path = (root / key[:2] / key[2:4] / key).resolve()
    if not path.is_relative_to(root):  # belt and braces: the pattern already forbids it
        raise NotFound("File not found.")
    return path


def sniff_kind(head: bytes, original_name: str = "") -> str | None:
    """The kind of file these first bytes start, or None when not allowed."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _looks_like_text(head):
        return "csv" if original_name.lower().endswith(".csv") else "text"
    return None


def _looks_like_text(head: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(head, final=False)  # a cut multi-byte character is fine here
    except UnicodeDecodeError:
        return False
    return bool(head) and not _FORBIDDEN_TEXT_CHARS.search(text)


def clean_original_name(name: str | None) -> str:
    """The user's file name without folders or control characters, for display only."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "file"


def _chunks(stream: BinaryIO) -> Iterable[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def save_stream(
    stream: BinaryIO,
    original_name: str | None,
    *,
    max_bytes: int | None = None,
    allowed: Iterable[str] = ALL_KINDS,
) -> StoredFile:
    """Store the bytes of `stream` under a new key after checking size and type."""
    limit = max_bytes if max_bytes is not None else current_app.config["UPLOAD_MAX_BYTES"]
    name = clean_original_name(original_name)
    chunks = _chunks(stream)
    head = b""
    for chunk in chunks:  # the first chunk may be short (sockets): read enough to sniff
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    if not head:
        raise ValidationFailed({"file": "The file is empty."})
    kind = sniff_kind(head[:SNIFF_BYTES], name)
    allowed = frozenset(allowed)
    if kind is None or kind not in allowed:
        raise ValidationFailed({"file": "This type of file is not accepted. " + _accepted(allowed)})
    content_type, extension = KINDS[kind]
    key = f"{secrets.token_hex(16)}.{extension}"
    path = path_for(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    text_check = codecs.getincrementaldecoder("utf-8")() if kind in ("csv", "text") else None
    size = 0
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in _prepend(head, chunks):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(
                        {"file": f"The file is larger than the limit of {_human(limit)}."}
                    )
                if text_check is not None:
                    _check_text(text_check, chunk)
                digest.update(chunk)
                out.write(chunk)
            if text_check is not None:
                _check_text(text_check, b"", final=True)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return StoredFile(key, size, content_type, digest.hexdigest(), name)


def save_bytes(
    data: bytes,
    original_name: str,
    *,
    max_bytes: int | None = None,
    allowed: Iterable[str] = ALL_KINDS,
) -> StoredFile:
    """Store generated bytes (a PDF, an export) under a new key."""
    import io

    return save_stream(io.BytesIO(data), original_name, max_bytes=max_bytes, allowed=allowed)


def save_upload(
    upload, *, max_bytes: int | None = None, allowed: Iterable[str] = ALL_KINDS
) -> StoredFile:
    """Store a werkzeug `FileStorage` from a form (its Content-Type is ignored)."""
    if upload is None or not getattr(upload, "filename", ""):
        raise ValidationFailed({"file": "Choose a file to upload."})
    return save_stream(upload.stream, upload.filename, max_bytes=max_bytes, allowed=allowed)


def _prepend(first: bytes, rest: Iterable[bytes]) -> Iterable[bytes]:
    yield first
    yield from rest


def _check_text(decoder, chunk: bytes, final: bool = False) -> None:
    try:
        text = decoder.decode(chunk, final=final)
    except UnicodeDecodeError as exc:
        raise ValidationFailed({"file": "Text and CSV files must be UTF-8 encoded."}) from exc
    if _FORBIDDEN_TEXT_CHARS.search(text):
        raise ValidationFailed({"file": "This text file contains binary data."})


def _accepted(allowed: frozenset[str]) -> str:
    names = sorted(KINDS[kind][1].upper() for kind in allowed)
    return "Accepted: " + ", ".join(names) + "."


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    amount = float(size)
    for unit in ("KB", "MB", "GB"):
        amount /= 1024
        if amount < 1024 or unit == "GB":
            break
    return f"{amount:.1f}".removesuffix(".0") + f" {unit}"


def open_stored(key: str) -> BinaryIO:
    """The stored file opened for binary reading (the caller closes it)."""
    try:
        return path_for(key).open("rb")
    except FileNotFoundError as exc:
        raise NotFound("File not found.") from exc


def read_stored(key: str) -> bytes:
    """The whole content of a stored file."""
    with open_stored(key) as handle:
        return handle.read()


def delete_stored(key: str) -> bool:
    """Remove a stored file; False when it was already gone."""
    path = path_for(key)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def send_stored(key: str, download_name: str, content_type: str) -> Response:
    """A response that downloads the file as an attachment, never rendered inline."""
    path = path_for(key)
    if not path.is_file():
        raise NotFound("File not found.")
    response = send_file(
        path,
        mimetype=content_type,
        as_attachment=True,
        download_name=clean_original_name(download_name),
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
