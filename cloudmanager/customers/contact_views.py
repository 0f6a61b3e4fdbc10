"""Contact pages of a customer: add, edit, remove."""

from flask import abort, flash, request, url_for
from flask_login import current_user

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.customers import bp, contacts
from cloudmanager.customers.forms import ContactForm, apply_errors, form_values
from cloudmanager.customers.models import Contact, Customer
from cloudmanager.customers.views import get_customer
from cloudmanager.extensions import db


def get_contact(customer: Customer, contact_id: int) -> Contact:
    """A contact of `customer`, or a 404 (never another customer's contact)."""
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer.id:
        abort(404)
    return contact


def _contact_form(customer: Customer, form: ContactForm, save, contact=None):
    if form.validate_on_submit():
        try:
            save(form_values(form))
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash("Contact saved.", "success")
            return redirect_to(url_for("customers.detail", customer_id=customer.id) + "#contacts")
    status = 422 if request.method == "POST" else 200
    return render_page(
        "customers/contact_form.html",
        fragment="customers/_contact_form.html",
        status=status,
        form=form,
        customer=customer,
        contact=contact,
    )


@bp.route("/<int:customer_id>/contacts/new", methods=["GET", "POST"])
def new_contact(customer_id: int):
    """Add a contact."""
    customer = get_customer(customer_id)
    return _contact_form(
        customer,
        ContactForm(),
        lambda data: contacts.add_contact(customer, data, by=current_user),
    )


@bp.route("/<int:customer_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def edit_contact(customer_id: int, contact_id: int):
    """Edit a contact."""
    customer = get_customer(customer_id)
    contact = get_contact(customer, contact_id)
    form = ContactForm(obj=None if request.method == "POST" else contact)
    return _contact_form(
        customer,
        form,
        lambda data: contacts.update_contact(contact, data, by=current_user),
        contact=contact,
    )


@bp.post("/<int:customer_id>/contacts/<int:contact_id>/delete")
def delete_contact(customer_id: int, contact_id: int):
    """Remove a contact."""
    customer = get_customer(customer_id)
    contacts.remove_contact(get_contact(customer, contact_id), by=current_user)
    db.session.commit()
    flash("Contact removed.", "success")
    return redirect_to(url_for("customers.detail", customer_id=customer.id) + "#contacts")
