"""Customer operations of the JSON API: customers and their contacts.

Every write goes through the customer services the back office uses, so
numbering, validation, uniqueness, audit and webhook events hold here too.
"""

from flask import Response, abort, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cloudmanager.api.listing import listing, sorted_page
from cloudmanager.api.registry import api_user, created, operation
from cloudmanager.api.schemas import ListResponse
from cloudmanager.api.schemas_customers import (
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactQuery,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    CustomerQuery,
)
from cloudmanager.customers import contacts, services
from cloudmanager.customers.models import Contact, Customer
from cloudmanager.customers.filters import CustomerFilters
from cloudmanager.customers.search import filtered_customers
from cloudmanager.extensions import db

CUSTOMER_KEYS = {
    "created": (Customer.id,),
    "name": (Customer.name, Customer.id),
    "number": (Customer.number, Customer.id),
    "country": (Customer.country, Customer.id),
}
CONTACT_KEYS = {"created": (Contact.id,), "name": (Contact.name, Contact.id)}


def find_customer(customer_id: int) -> Customer:
    """The customer, or a 404 problem."""
    return db.get_or_404(Customer, customer_id, description="There is no such customer.")


def find_contact(customer_id: int, contact_id: int) -> Contact:
    """A contact of this customer; another customer's contact is a 404 too."""
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != find_customer(customer_id).id:
        abort(404, "There is no such contact.")
    return contact


def _form_data(customer: Customer) -> dict:
    """The customer's current values, as the back office's edit form posts them."""
    from cloudmanager.customers.views import customer_form_data

    return customer_form_data(customer)


@operation(
    "/customers",
    scope="customers:read",
    tag="Customers",
    summary="List customers",
    query=CustomerQuery,
    response=ListResponse[CustomerOut],
)
def list_customers_api(query: CustomerQuery):
    """Customers filtered by search text, status, country and tag, newest first by default."""
    filters = CustomerFilters(
        q=query.q.strip(), status=query.status or "", tag=query.tag, country=query.country or ""
    )
    stmt = filtered_customers(filters).options(selectinload(Customer.tag_rows))
    return listing(CustomerOut, sorted_page(stmt, query, CUSTOMER_KEYS))


@operation(
    "/customers",
    "POST",
    scope="customers:write",
    tag="Customers",
    summary="Create a customer",
    body=CustomerIn,
    response=CustomerOut,
    status=201,
)
def create_customer_api(body: CustomerIn):
    """A new customer with the next customer number (emits `customer.created`)."""
    customer = services.create_customer(body.model_dump(), by=api_user())
    db.session.flush()
    return created(
        CustomerOut.of(customer), url_for("api_v1.get_customer_api", customer_id=customer.id)
    )


@operation(
    "/customers/<int:customer_id>",
    scope="customers:read",
    tag="Customers",
    summary="Get a customer",
    response=CustomerOut,
)
def get_customer_api(customer_id: int):
    """One customer."""
    return CustomerOut.of(find_customer(customer_id))


@operation(
    "/customers/<int:customer_id>",
    "PATCH",
    scope="customers:write",
    tag="Customers",
    summary="Change a customer",
    body=CustomerPatch,
    response=CustomerOut,
)
def update_customer_api(customer_id: int, body: CustomerPatch):
    """Change the fields sent; `status` deactivates or reactivates (emits `customer.updated`)."""
    customer = find_customer(customer_id)
    changes = body.changes()
    status = changes.pop("status", None)
    if changes:
        services.update_customer(customer, {**_form_data(customer), **changes}, by=api_user())
    if status is not None:
        services.set_customer_status(customer, status, by=api_user())
    db.session.flush()
    return CustomerOut.of(customer)


@operation(
    "/customers/<int:customer_id>",
    "DELETE",
    scope="customers:write",
    permission="customers.delete",
    tag="Customers",
    summary="Delete a customer",
    status=204,
)
def delete_customer_api(customer_id: int):
    """Delete a customer without history; one with orders, invoices or tickets is a 409."""
    services.delete_customer(find_customer(customer_id), by=api_user())
    return Response(status=204)


@operation(
    "/customers/<int:customer_id>/contacts",
    scope="customers:read",
    tag="Customers",
    summary="List a customer's contacts",
    query=ContactQuery,
    response=ListResponse[ContactOut],
)
def list_contacts_api(customer_id: int, query: ContactQuery):
    """The people at this customer."""
    customer = find_customer(customer_id)
    stmt = select(Contact).where(Contact.customer_id == customer.id)
    return listing(ContactOut, sorted_page(stmt, query, CONTACT_KEYS))


@operation(
    "/customers/<int:customer_id>/contacts",
    "POST",
    scope="customers:write",
    tag="Customers",
    summary="Add a contact",
    body=ContactIn,
    response=ContactOut,
    status=201,
)
def create_contact_api(customer_id: int, body: ContactIn):
    """Add a person; the first contact becomes the primary one."""
    contact = contacts.add_contact(find_customer(customer_id), body.model_dump(), by=api_user())
    return created(
        ContactOut.of(contact),
        url_for("api_v1.get_contact_api", customer_id=customer_id, contact_id=contact.id),
    )


@operation(
    "/customers/<int:customer_id>/contacts/<int:contact_id>",
    scope="customers:read",
    tag="Customers",
    summary="Get a contact",
    response=ContactOut,
)
def get_contact_api(customer_id: int, contact_id: int):
    """One contact of this customer."""
    return ContactOut.of(find_contact(customer_id, contact_id))


@operation(
    "/customers/<int:customer_id>/contacts/<int:contact_id>",
    "PATCH",
    scope="customers:write",
    tag="Customers",
    summary="Change a contact",
    body=ContactPatch,
    response=ContactOut,
)
def update_contact_api(customer_id: int, contact_id: int, body: ContactPatch):
    """Change the fields sent; marking a contact primary unmarks the previous one."""
    contact = find_contact(customer_id, contact_id)
    current = {name: getattr(contact, name) for name in contacts.CONTACT_FIELDS}
    contacts.update_contact(contact, {**current, **body.changes()}, by=api_user())
    db.session.flush()
    return ContactOut.of(contact)


@operation(
    "/customers/<int:customer_id>/contacts/<int:contact_id>",
    "DELETE",
    scope="customers:write",
    tag="Customers",
    summary="Remove a contact",
    status=204,
)
def delete_contact_api(customer_id: int, contact_id: int):
    """Remove a contact; the next one becomes primary if it was."""
    contacts.remove_contact(find_contact(customer_id, contact_id), by=api_user())
    return Response(status=204)
