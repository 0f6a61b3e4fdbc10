"""The company logo: checked upload, stored under STORAGE_DIR with a generated name.

The private `_store`/`_path` helpers stand in for `cloudmanager.infra.storage`
until that adapter lands; then they become calls to it.
"""

import io
import secrets
from pathlib import Path
from typing import Any

from flask import current_app, url_for
from PIL import Image, UnidentifiedImageError

from cloudmanager.core.errors import NotFound, ValidationFailed

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4096
LOGO_TYPES = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "WEBP": ("webp", "image/webp"),
}
MIMETYPES = {ext: mime for ext, mime in LOGO_TYPES.values()}
LOGO_FOLDER = "logos"


def _root() -> Path:
    return Path(current_app.config["STORAGE_DIR"]).resolve()


def _store(folder: str, name: str, data: bytes) -> str:
    """Write `data` under STORAGE_DIR/folder/name; returns the storage key."""
    target = _root() / folder
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(data)
    return f"{folder}/{name}"


def _path(key: str) -> Path:
    """The file of a storage key, refusing anything outside STORAGE_DIR."""
    path = (_root() / key).resolve()
    if _root() not in path.parents or not path.is_file():
        raise NotFound("This file does not exist.")
    return path


def check_logo(data: bytes) -> tuple[str, str]:
    """(extension, mimetype) of a valid PNG, JPEG or WebP logo; ValidationFailed otherwise."""
    if not data:
        raise ValidationFailed({"logo": "Choose an image file."})
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationFailed({"logo": "The logo may be at most 2 MB."})
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed({"logo": "This is not a PNG, JPEG or WebP image."}) from None
    if kind not in LOGO_TYPES:
        raise ValidationFailed({"logo": "Use a PNG, JPEG or WebP image."})
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise ValidationFailed({"logo": f"The logo may be at most {LOGO_MAX_PIXELS} px wide."})
    return LOGO_TYPES[kind]


def save_logo(data: bytes, *, by: Any = None) -> str:
    """Store a new logo and point `company.logo` at it (audited via update_settings)."""
    from cloudmanager.settings.services import update_settings

    extension, _ = check_logo(data)
    key = _store(LOGO_FOLDER, f"{secrets.token_hex(16)}.{extension}", data)
    update_settings({"company.logo": key}, by=by)
    return key


def remove_logo(*, by: Any = None) -> None:
    """Go back to no logo (the file stays: old PDFs may be regenerated with it)."""
    from cloudmanager.settings.services import update_settings

    update_settings({"company.logo": ""}, by=by)


def logo_file(name: str) -> tuple[Path, str]:
    """(path, mimetype) of a stored logo by its file name."""
    if "/" in name or "\\" in name:
        raise NotFound("This file does not exist.")
    extension = name.rsplit(".", 1)[-1]
    if extension not in MIMETYPES:
        raise NotFound("This file does not exist.")
    return _path(f"{LOGO_FOLDER}/{name}"), MIMETYPES[extension]


def company_logo_path() -> Path | None:
    """The current logo's file (for PDFs and email attachments), or None."""
    from cloudmanager.settings.services import get_setting

    key = get_setting("company.logo")
    if not key:
        return None
    try:
        return _path(key)
    except NotFound:
        return None


def company_logo_url() -> str | None:
    """The URL of the current logo for pages, or None (templates fall back to the icon)."""
    from sqlalchemy.exc import SQLAlchemyError

    from cloudmanager.settings.services import get_setting

    try:
        key = get_setting("company.logo")
    except SQLAlchemyError:
        return None
    if not key:
        return None
    return url_for("settings.logo", name=key.rsplit("/", 1)[-1])
