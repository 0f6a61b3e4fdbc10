"""Private file storage for CSV uploads, until `cloudmanager/infra/storage.py` lands.

Files go under `STORAGE_DIR/customer-imports/` with generated names (never the
uploaded name), outside `static/`. Replace these three functions with the
storage adapter when it is merged.
"""

import secrets
from pathlib import Path

from flask import current_app

FOLDER = "customer-imports"


def _path(key: str) -> Path:
    if not key.replace("-", "").isalnum():
        raise ValueError("bad file key")
    return Path(current_app.config["STORAGE_DIR"]) / FOLDER / f"{key}.csv"


def save_private_file(data: bytes) -> str:
    """Store `data` under a new random key and return the key."""
    key = secrets.token_hex(16)
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return key


def read_private_file(key: str) -> bytes:
    """The bytes stored under `key`."""
    return _path(key).read_bytes()


def delete_private_file(key: str) -> None:
    """Remove the file stored under `key` (missing files are fine)."""
    _path(key).unlink(missing_ok=True)
