"""Customers, their contacts, tags and notes, the number counter and CSV import batches."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudmanager.core.change_stamps import watch
from cloudmanager.core.countries import country_name
from cloudmanager.core.table_ddl import run_after_create, run_before_drop
from cloudmanager.core.timeutil import utcnow
from cloudmanager.customers import search_index, search_postings, tag_list
from cloudmanager.extensions import db

KINDS = {"company": "Company", "individual": "Individual"}
STATUSES = {"active": "Active", "inactive": "Inactive"}


class Customer(db.Model):
    """A company or person we sell to; the center of orders, invoices and tickets."""

    __tablename__ = "customers"
    __audit_type__ = "customer"
    __table_args__ = (
        Index("ix_customers_name_id", "name", "id"),
        Index("ix_customers_country_id", "country", "id"),
        # The list filtered by country, in name order, reads its page off this index.
        Index("ix_customers_country_name_id", "country", "name", "id"),
        Index("ix_customers_status_id", "status", "id"),
        # Reports find the (few) customers billed in other currencies than the one asked for.
        Index("ix_customers_currency", "currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="company")
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    phone: Mapped[str] = mapped_column(String(20), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    vat_id: Mapped[str] = mapped_column(String(32), default="")
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    payment_terms_days: Mapped[int] = mapped_column(default=14)
    status: Mapped[str] = mapped_column(String(10), default="active")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Lower-cased name, number, email, VAT id and every contact's name and email:
    # one column (trigram-indexed on PostgreSQL) answers the live search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The tags joined by TAG_SEPARATOR, for the list; written only by triggers (tag_list.py).
    tag_list: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="(Contact.is_primary.desc(), Contact.name, Contact.id)",
    )
    tag_rows: Mapped[list["CustomerTag"]] = relationship(
        cascade="all, delete-orphan", order_by="CustomerTag.tag"
    )

    @property
    def tags(self) -> list[str]:
        """The customer's tags, sorted."""
        return [row.tag for row in self.tag_rows]

    @property
    def country_name(self) -> str:
        """The billing country's name."""
        return country_name(self.country)

    @property
    def is_active(self) -> bool:
        """False once deactivated."""
        return self.status == "active"

    def __repr__(self) -> str:
        return f"<Customer {self.number} {self.name!r}>"


# The live search's index (customers/search_index.py), for tables made by create_all.
run_after_create(Customer.__table__, "postgresql", search_index.POSTGRES_DDL)
run_after_create(Customer.__table__, "sqlite", search_index.SQLITE_DDL)
run_before_drop(Customer.__table__, "sqlite", search_index.SQLITE_DROP)
run_after_create(Customer.__table__, "postgresql", search_postings.POSTGRES_DDL)
run_before_drop(Customer.__table__, "postgresql", search_postings.POSTGRES_DROP)
# The list's country filter keeps the countries in use while no write moved this stamp.
watch(Customer.__table__, columns=("country",))


class CustomerTag(db.Model):
    """One tag on one customer (a table, so filtering by tag uses an index)."""

    __tablename__ = "customer_tags"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


# The list's tag filter keeps the tags in use while no write moved this stamp.
watch(CustomerTag.__table__)
run_after_create(CustomerTag.__table__, "postgresql", tag_list.POSTGRES_DDL)
run_after_create(CustomerTag.__table__, "sqlite", tag_list.SQLITE_DDL)


class Contact(db.Model):
    """A person at a customer: who gets invoices, SMS, and (later) portal access."""

    __tablename__ = "contacts"
    __audit_type__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    job_title: Mapped[str] = mapped_column(String(100), default="")
    is_primary: Mapped[bool] = mapped_column(default=False)
    receives_invoices: Mapped[bool] = mapped_column(default=False)
    receives_sms: Mapped[bool] = mapped_column(default=False)
    portal_access: Mapped[bool] = mapped_column(default=False)  # granted by the portal issue
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class CustomerNote(db.Model):
    """A free-text note on a customer's timeline."""

    __tablename__ = "customer_notes"
    __table_args__ = (Index("ix_customer_notes_customer_id_id", "customer_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(254), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerCounter(db.Model):
    """The last customer number handed out (one row, incremented atomically)."""

    __tablename__ = "customer_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class ImportBatch(db.Model):
    """One CSV import: its file, column mapping, progress and rejected-rows report."""

    __tablename__ = "customer_import_batches"
    __audit_type__ = "customer_import"
    __table_args__ = (UniqueConstraint("file_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    file_key: Mapped[str] = mapped_column(String(100))
    mapping: Mapped[dict | None] = mapped_column(db.JSON)
    status: Mapped[str] = mapped_column(String(20), default="uploaded")
    total: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    error_report: Mapped[str] = mapped_column(Text, default="")  # CSV of rejected rows
    error_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def done(self) -> bool:
        """True once the job finished (successfully or not)."""
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        """Progress in percent, for the progress bar."""
        if self.status == "done":
            return 100
        return int(100 * self.processed / self.total) if self.total else 0
