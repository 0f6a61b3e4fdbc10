"""The company logo: a checked PNG, JPEG or WebP in the file storage, shown on pages.

The storage adapter sniffs the type and limits the size; here Pillow also
decodes the image, so a file that only starts like a PNG is refused too.
"""

import io
from pathlib import Path
from typing import Any

from flask import Response, url_for
from PIL import Image, UnidentifiedImageError

from cloudmanager.core.errors import NotFound, ValidationFailed
from cloudmanager.infra import storage

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4096
LOGO_KINDS = frozenset({"png", "jpeg", "webp"})
PILLOW_FORMATS = {"PNG", "JPEG", "WEBP"}
CONTENT_TYPES = {extension: content_type for content_type, extension in storage.KINDS.values()}


def check_logo(data: bytes) -> None:
    """Refuse anything that is not a decodable PNG, JPEG or WebP of sensible size."""
    if not data:
        raise ValidationFailed({"logo": "Choose an image file."})
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationFailed({"logo": "The logo may be at most 2 MB."})
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed({"logo": "This is not a PNG, JPEG or WebP image."}) from None
    if kind not in PILLOW_FORMATS:
        raise ValidationFailed({"logo": "Use a PNG, JPEG or WebP image."})
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise ValidationFailed({"logo": f"The logo may be at most {LOGO_MAX_PIXELS} px wide."})


def save_logo(data: bytes, *, by: Any = None) -> str:
    """Store a new logo and point `company.logo` at it (audited via update_settings)."""
    from cloudmanager.settings.services import update_settings

    check_logo(data)
    try:
        stored = storage.save_bytes(data, "logo", max_bytes=LOGO_MAX_BYTES, allowed=LOGO_KINDS)
    except ValidationFailed as exc:
        raise ValidationFailed({"logo": exc.errors.get("file", exc.message)}) from None
    update_settings({"company.logo": stored.key}, by=by)
    return stored.key


def remove_logo(*, by: Any = None) -> None:
    """Go back to no logo (the file stays: documents made with it may be rendered again)."""
    from cloudmanager.settings.services import update_settings

    update_settings({"company.logo": ""}, by=by)


def send_logo(key: str) -> Response:
    """The logo file with its image type; only keys of logo images are served."""
    extension = key.rsplit(".", 1)[-1]
    if extension not in {"png", "jpg", "webp"}:
        raise NotFound("File not found.")
    return storage.send_stored(key, f"logo.{extension}", CONTENT_TYPES[extension])


def company_logo_path() -> Path | None:
    """The current logo's file (for PDFs and email attachments), or None."""
    from cloudmanager.settings.services import get_setting

    key = get_setting("company.logo")
    if not key:
        return None
    try:
        path = storage.path_for(key)
    except NotFound:
        return None
    return path if path.is_file() else None


def company_logo_url() -> str | None:
    """The URL of the current logo for pages, or None (templates fall back to the icon)."""
    from sqlalchemy.exc import SQLAlchemyError

    from cloudmanager.settings.services import get_setting

    try:
        key = get_setting("company.logo")
    except SQLAlchemyError:
        return None
    return url_for("settings.logo", name=key) if key else None
