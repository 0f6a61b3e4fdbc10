"""Customer pages: list with live search, export, create, edit, billing, status, delete,
notes and the tabs other modules fill in (contacts: `contact_views.py`)."""

from functools import lru_cache

from flask import Response, abort, flash, request, stream_with_context, url_for
from flask_login import current_user
from markupsafe import Markup

from cloudmanager.core.countries import country_name
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.htmx import is_htmx, redirect_to, render_page
from cloudmanager.core.permissions import can
from cloudmanager.core.timeutil import utcnow
from cloudmanager.customers import bp, services
from cloudmanager.customers.forms import (
    BillingForm,
    CustomerForm,
    NoteForm,
    apply_errors,
    form_values,
)
from cloudmanager.customers.list_rows import COLUMNS as CUSTOMER_COLUMNS, customer_rows
from cloudmanager.customers.models import STATUSES, Customer
from cloudmanager.customers.filter_choices import countries_in_use, known_tags
from cloudmanager.customers.filters import CustomerFilters
from cloudmanager.customers.search import customer_page, export_csv
from cloudmanager.customers.tabs import CUSTOMER_TABS, find_tab
from cloudmanager.customers.timeline import customer_timeline
from cloudmanager.extensions import db


@bp.context_processor
def permission_helpers() -> dict:
    """`can(user, permission)` and the list's header and rows in the customer templates."""
    return {"can": can, "customer_rows": customer_rows, "customer_columns": CUSTOMER_COLUMNS}


def get_customer(customer_id: int) -> Customer:
    """The customer or a 404."""
    return db.get_or_404(Customer, customer_id)


def customer_form_data(customer: Customer) -> dict:
    """A customer's values as form data (tags as a comma-separated string)."""
    data = {name: getattr(customer, name) for name in services.ALL_FIELDS if name != "tags"}
    return {**data, "tags": ", ".join(customer.tags)}


def country_options(selected: str) -> Markup:
    """The <option>s of the country filter: the countries customers are in.

    A country asked for in the URL is kept even without customers, so the select
    shows what the list is filtered by.
    """
    return _country_options(selected, countries_in_use())


@lru_cache(maxsize=300)
def _country_options(selected: str, codes: tuple[str, ...]) -> Markup:
    shown = sorted({*codes, selected} - {""}, key=country_name)
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(
            code, Markup(" selected") if code == selected else "", country_name(code)
        )
        for code in shown
    )


@bp.get("/")
def index():
    """The customer list: live search, filters, sorting, keyset pages."""
    filters = CustomerFilters.from_args(request.args)
    context = {"page": customer_page(filters), "filters": filters}
    if not is_htmx():  # the filter form's choices; the live search swaps only the results
        context.update(
            tags=known_tags(), country_options=country_options(filters.country), statuses=STATUSES
        )
    return render_page("customers/index.html", fragment="customers/_results.html", **context)


@bp.get("/export.csv")
def export():
    """The filtered list as CSV, streamed in keyset chunks."""
    filters = CustomerFilters.from_args(request.args)
    name = f"customers-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(export_csv(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _save_form(form, save, **context):
    """Validate with the service; 422 with errors next to fields, else redirect."""
    if form.validate_on_submit():
        try:
            customer = save(form_values(form))
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash("Customer saved.", "success")
            return redirect_to(url_for("customers.detail", customer_id=customer.id))
        status = 422
    else:
        status = 422 if request.method == "POST" else 200
    return render_page(
        "customers/form.html", fragment="customers/_form.html", status=status, form=form, **context
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Create a customer."""
    form = CustomerForm()
    if request.method == "GET":
        form.currency.data = services.default_currency()
    return _save_form(
        form,
        lambda data: services.create_customer(data, by=current_user),
        customer=None,
        billing_only=False,
    )


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
def edit(customer_id: int):
    """Edit every field of a customer."""
    customer = get_customer(customer_id)
    form = CustomerForm(data=None if request.method == "POST" else customer_form_data(customer))

    def save(data):
        services.update_customer(customer, data, by=current_user)
        return customer

    return _save_form(form, save, customer=customer, billing_only=False)


@bp.route("/<int:customer_id>/billing", methods=["GET", "POST"])
def edit_billing(customer_id: int):
    """Edit the billing fields only (accountants, managers, admins)."""
    customer = get_customer(customer_id)
    form = BillingForm(data=None if request.method == "POST" else customer_form_data(customer))

    def save(data):
        services.update_billing(customer, data, by=current_user)
        return customer

    return _save_form(form, save, customer=customer, billing_only=True)


@bp.get("/<int:customer_id>")
def detail(customer_id: int):
    """A customer's details, contacts, tabs and timeline."""
    return _detail_page(get_customer(customer_id), NoteForm())


def _detail_page(customer: Customer, note_form: NoteForm, status: int = 200):
    """The customer page (or, for htmx, the note form with its errors)."""
    return render_page(
        "customers/detail.html",
        fragment="customers/_note_form.html",
        status=status,
        customer=customer,
        timeline=customer_timeline(customer),
        history=services.history_reasons(customer),
        tabs=[tab for tab in CUSTOMER_TABS if can(current_user, tab.permission)],
        note_form=note_form,
    )


@bp.get("/<int:customer_id>/tabs/<key>")
def tab(customer_id: int, key: str):
    """The body of one tab (fetched by htmx when the tab is opened)."""
    customer = get_customer(customer_id)
    found = find_tab(key)
    if found is None:
        abort(404)
    if not can(current_user, found.permission):
        abort(403)
    if found.render is not None:
        return found.render(customer)
    return render_page("customers/_tab.html", customer=customer, tab=found)


@bp.post("/<int:customer_id>/deactivate")
def deactivate(customer_id: int):
    """Deactivate a customer (keeps its history)."""
    customer = get_customer(customer_id)
    services.set_customer_status(customer, "inactive", by=current_user)
    db.session.commit()
    flash(f"{customer.name} is now inactive.", "success")
    return redirect_to(url_for("customers.detail", customer_id=customer.id))


@bp.post("/<int:customer_id>/reactivate")
def reactivate(customer_id: int):
    """Make an inactive customer active again."""
    customer = get_customer(customer_id)
    services.set_customer_status(customer, "active", by=current_user)
    db.session.commit()
    flash(f"{customer.name} is active again.", "success")
    return redirect_to(url_for("customers.detail", customer_id=customer.id))


@bp.post("/<int:customer_id>/delete")
def delete(customer_id: int):
    """Delete a customer without history (409 otherwise: deactivate instead)."""
    customer = get_customer(customer_id)
    services.delete_customer(customer, by=current_user)  # Conflict → 409 with the reason
    db.session.commit()
    flash("Customer deleted.", "success")
    return redirect_to(url_for("customers.index"))


@bp.post("/<int:customer_id>/notes")
def add_note(customer_id: int):
    """Add a note to the timeline."""
    customer = get_customer(customer_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(customer, form.body.data, by=current_user)
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash("Note added.", "success")
            return redirect_to(url_for("customers.detail", customer_id=customer.id) + "#timeline")
    return _detail_page(customer, form, status=422)
