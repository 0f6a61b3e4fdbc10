"""Tax rate pages under /products/tax-rates."""

from flask import flash, request, url_for
from flask_login import current_user

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.pagination import clamp_page_size
from cloudmanager.extensions import db
from cloudmanager.products import bp
from cloudmanager.products.forms import SupersedeForm, TaxRateForm, attach_errors
from cloudmanager.products.taxes import (
    delete_tax_rate,
    get_tax_rate,
    list_tax_rates,
    save_tax_rate,
    supersede_tax_rate,
)


@bp.get("/tax-rates")
def tax_rates():
    """Every tax rate by country, with its validity."""
    country = request.args.get("country", "").strip().upper()[:2]
    page = list_tax_rates(
        country=country,
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size"), default=50),
    )
    params = {"country": country} if country else {}
    return render_page(
        "products/tax_rates.html",
        "products/_tax_table.html",
        page=page,
        country=country,
        params=params,
    )


@bp.route("/tax-rates/new", methods=["GET", "POST"])
def new_tax_rate():
    """Add a tax rate."""
    return _rate_form(None)


@bp.route("/tax-rates/<int:rate_id>/edit", methods=["GET", "POST"])
def edit_tax_rate(rate_id: int):
    """Correct a tax rate (a new percentage from a date is a new version instead)."""
    return _rate_form(get_tax_rate(rate_id))


def _rate_form(rate):
    form = TaxRateForm(obj=rate)
    if form.validate_on_submit():
        try:
            rate = save_tax_rate(rate, form.data_for_service(), by=current_user)
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(f"Tax rate {rate.label} saved.", "success")
            return redirect_to(url_for("products.tax_rates"))
    status = 422 if form.is_submitted() else 200
    return render_page("products/tax_rate_form.html", status=status, form=form, rate=rate)


@bp.route(
    "/tax-rates/<int:rate_id>/new-version", methods=["GET", "POST"], endpoint="supersede_tax_rate"
)
def supersede_tax_rate_view(rate_id: int):
    """A new percentage from a date; the current version ends the day before."""
    rate = get_tax_rate(rate_id)
    form = SupersedeForm()
    if form.validate_on_submit():
        try:
            new = supersede_tax_rate(
                rate, percent=form.percent.data, from_date=form.from_date.data, by=current_user
            )
        except ValidationFailed as exc:
            db.session.rollback()
            errors = {("from_date" if k == "valid_from" else k): v for k, v in exc.errors.items()}
            attach_errors(form, errors)
        else:
            db.session.commit()
            flash(f"{new.label} applies from {new.valid_from:%d %b %Y}.", "success")
            return redirect_to(url_for("products.tax_rates"))
    status = 422 if form.is_submitted() else 200
    return render_page("products/tax_rate_version.html", status=status, form=form, rate=rate)


@bp.post("/tax-rates/<int:rate_id>/delete", endpoint="delete_tax_rate")
def delete_tax_rate_view(rate_id: int):
    """Delete a tax rate no product uses."""
    rate = get_tax_rate(rate_id)
    label = rate.label
    delete_tax_rate(rate, by=current_user)
    db.session.commit()
    flash(f"Tax rate {label} deleted.", "success")
    return redirect_to(url_for("products.tax_rates"))
