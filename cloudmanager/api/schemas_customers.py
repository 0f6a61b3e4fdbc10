"""API schemas of customers and their contacts."""

from typing import Annotated, Any, Literal

from pydantic import Field

from cloudmanager.api.listing import sort_param, sort_type
from cloudmanager.api.schemas import ApiModel, BodyModel, Email, ListQuery, Timestamp, text
from cloudmanager.core.countries import COUNTRIES
from cloudmanager.customers.validation import CURRENCIES

Country = Literal[tuple(COUNTRIES)]
Currency = Literal[tuple(CURRENCIES)]
Name = text(200, min_length=1)
Phone = Annotated[
    str, Field(max_length=30, pattern=r"^\+?[0-9 ()./-]{0,29}$", description="E.164 or national")
]
Tag = Annotated[str, Field(max_length=40, pattern=r"^[^\x00,]*$")]

CUSTOMER_SORTS = ("created", "name", "number", "country")


CustomerSort = sort_type(CUSTOMER_SORTS)
ContactSort = sort_type(("created", "name"))


class CustomerOut(ApiModel):
    """A customer with its billing details and tags."""

    id: int
    number: str
    kind: Literal["company", "individual"]
    name: str
    email: str
    phone: str
    website: str
    vat_id: str
    address_line1: str
    address_line2: str
    city: str
    postcode: str
    country: str
    currency: str
    payment_terms_days: int
    status: Literal["active", "inactive"]
    tags: list[str]
    notes: str
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, customer) -> "CustomerOut":
        """Build from a Customer row."""
        return cls.model_validate(customer)


class CustomerFields(BodyModel):
    """Fields a customer is created or changed with (validated again by the service)."""

    kind: Literal["company", "individual"] = "company"
    email: Email = Field(examples=["billing@example.com"])
    phone: Phone = ""
    website: text(255) = ""
    vat_id: text(32) = Field("", description="Checked against the country's format")
    address_line1: text(200) = ""
    address_line2: text(200) = ""
    city: text(100) = ""
    postcode: text(20) = ""
    country: Country = Field(examples=["DE"])
    currency: Currency | None = Field(None, description="Default: the company currency")
    payment_terms_days: int = Field(14, ge=0, le=365)
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    notes: text(10000) = ""


class CustomerIn(CustomerFields):
    """A new customer; the number is given by CloudManager."""

    name: Name = Field(examples=["Example GmbH"])


class CustomerPatch(BodyModel):
    """Only the fields to change; `status` deactivates or reactivates."""

    kind: Literal["company", "individual"] | None = None
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    website: text(255) | None = None
    vat_id: text(32) | None = None
    address_line1: text(200) | None = None
    address_line2: text(200) | None = None
    city: text(100) | None = None
    postcode: text(20) | None = None
    country: Country | None = None
    currency: Currency | None = None
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    tags: list[Tag] | None = Field(None, max_length=20)
    notes: text(10000) | None = None
    status: Literal["active", "inactive"] | None = None

    def changes(self) -> dict[str, Any]:
        """The fields the client sent (nulls mean "leave as is")."""
        return {k: v for k, v in self.model_dump(exclude_unset=True).items() if v is not None}


class CustomerQuery(ListQuery):
    """Filters of the customer list."""

    q: text(100) = Field("", description="Part of the name, number, email, VAT id or a contact")
    status: Literal["active", "inactive"] | None = None
    country: Country | None = None
    tag: Tag = ""
    sort: CustomerSort = sort_param("-created")


class ContactOut(ApiModel):
    """A person at a customer."""

    id: int
    customer_id: int
    name: str
    email: str
    phone: str
    job_title: str
    is_primary: bool
    receives_invoices: bool
    receives_sms: bool
    portal_access: bool
    created_at: Timestamp

    @classmethod
    def of(cls, contact) -> "ContactOut":
        """Build from a Contact row."""
        return cls.model_validate(contact)


class ContactIn(BodyModel):
    """A new contact (the first one becomes the primary contact)."""

    name: Name = Field(examples=["Ada Lovelace"])
    email: Email | Literal[""] = ""
    phone: Phone = ""
    job_title: text(100) = ""
    is_primary: bool = False
    receives_invoices: bool = Field(False, description="Needs an email address")
    receives_sms: bool = Field(False, description="Needs a phone number")


class ContactPatch(BodyModel):
    """Only the fields to change."""

    name: Name | None = None
    email: Email | Literal[""] | None = None
    phone: Phone | None = None
    job_title: text(100) | None = None
    is_primary: bool | None = None
    receives_invoices: bool | None = None
    receives_sms: bool | None = None

    def changes(self) -> dict[str, Any]:
        """The fields the client sent (nulls mean "leave as is")."""
        return {k: v for k, v in self.model_dump(exclude_unset=True).items() if v is not None}


class ContactQuery(ListQuery):
    """Paging of a customer's contacts."""

    sort: ContactSort = sort_param("created")
