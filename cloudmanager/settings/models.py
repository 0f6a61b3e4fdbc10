"""Stored settings (one row per key, the value as JSON) and email template overrides."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cloudmanager.core.change_stamps import watch
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db


class Setting(db.Model):
    """A setting that differs from its default."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


# Web processes keep the settings while no write moved this stamp (settings.services).
watch(Setting.__table__)


class EmailTemplate(db.Model):
    """Staff's version of a notification email; without a row the default files apply."""

    __tablename__ = "email_templates"

    event: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
