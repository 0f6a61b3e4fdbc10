"""Catalog pages: product list, detail, create/edit, archive, groups."""

from flask import flash, request, url_for
from flask_login import current_user

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.pagination import clamp_page_size
from cloudmanager.extensions import db
from cloudmanager.products import bp
from cloudmanager.products.forms import (
    GroupForm,
    ProductForm,
    as_choices,
    optional_int,
)
from cloudmanager.products.models import BILLING_CYCLES, PRODUCT_KINDS, SUPPORT_TIERS
from cloudmanager.products.groups import list_groups, save_group
from cloudmanager.products.services import (
    archive_product,
    create_product,
    delete_product,
    get_product,
    list_products,
    restore_product,
    update_product,
)
from cloudmanager.products.taxes import tax_rate_choices

LABELS = {"cycles": BILLING_CYCLES, "kinds": PRODUCT_KINDS, "tiers": SUPPORT_TIERS}


@bp.get("/")
def index():
    """The catalog, searchable and filterable, one keyset page at a time."""
    filters = {
        "q": request.args.get("q", "").strip(),
        "group": (
            optional_int(request.args.get("group"))
            if request.args.get("group", "").isdigit()
            else None
        ),
        "status": request.args.get("status", "active"),
    }
    page = list_products(
        q=filters["q"],
        group_id=filters["group"],
        status=filters["status"],
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size")),
    )
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    return render_page(
        "products/index.html",
        "products/_table.html",
        page=page,
        filters=filters,
        params=params,
        groups=list_groups(),
        **LABELS,
    )


@bp.get("/<int:product_id>")
def detail(product_id: int):
    """One product: prices per cycle, tax, stock, flags."""
    return render_page("products/detail.html", product=get_product(product_id), **LABELS)


def _form_choices(form: ProductForm, product=None) -> None:
    groups = [(g.id, g.name) for g in list_groups()]
    form.group_id.choices = as_choices([("", "No group"), *groups])
    rates = tax_rate_choices()
    if product is not None and product.tax_rate and product.tax_rate_id not in dict(rates):
        rates.append((product.tax_rate_id, f"{product.tax_rate.label} (no longer valid)"))
    form.tax_rate_id.choices = as_choices([("", "Standard rate of the customer's country"), *rates])


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add a product."""
    form = ProductForm()
    _form_choices(form)
    if request.method == "GET":
        from cloudmanager.settings.services import get_setting

        form.currency.data = get_setting("locale.currency")
    if form.validate_on_submit():
        try:
            product = create_product(form.data_for_service(), by=current_user)
        except ValidationFailed as exc:
            db.session.rollback()  # a failed flush (a SKU taken meanwhile) leaves nothing usable
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(f"Product {product.sku} created.", "success")
            return redirect_to(url_for("products.detail", product_id=product.id))
    return _form_page(form, None)


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
def edit(product_id: int):
    """Change a product."""
    product = get_product(product_id)
    form = ProductForm()
    _form_choices(form, product)
    if request.method == "GET":
        form.fill_from(product)
    if form.validate_on_submit():
        try:
            update_product(product, form.data_for_service(), by=current_user)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(f"Product {product.sku} saved.", "success")
            return redirect_to(url_for("products.detail", product_id=product.id))
    return _form_page(form, product)


def _form_page(form: ProductForm, product):
    status = form_status(form)
    return render_page(
        "products/form.html",
        "products/_form.html",
        status=status,
        form=form,
        product=product,
        **LABELS,
    )


@bp.post("/<int:product_id>/archive")
def archive(product_id: int):
    """Take a product off sale for good."""
    product = get_product(product_id)
    archive_product(product, by=current_user)
    db.session.commit()
    flash(f"Product {product.sku} archived.", "success")
    return redirect_to(url_for("products.detail", product_id=product.id))


@bp.post("/<int:product_id>/restore")
def restore(product_id: int):
    """Bring an archived product back (inactive)."""
    product = get_product(product_id)
    restore_product(product, by=current_user)
    db.session.commit()
    flash(f"Product {product.sku} restored; activate it to sell it again.", "success")
    return redirect_to(url_for("products.detail", product_id=product.id))


@bp.post("/<int:product_id>/delete")
def delete(product_id: int):
    """Delete a product that was never sold."""
    product = get_product(product_id)
    sku = product.sku
    delete_product(product, by=current_user)
    db.session.commit()
    flash(f"Product {sku} deleted.", "success")
    return redirect_to(url_for("products.index"))


@bp.route("/groups", methods=["GET", "POST"])
def groups():
    """The product groups, and a form to add one."""
    form = GroupForm()
    if form.validate_on_submit():
        try:
            save_group(None, form.data, by=current_user)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash("Group added.", "success")
            return redirect_to(url_for("products.groups"))
    status = form_status(form)
    return render_page("products/groups.html", status=status, form=form, groups=list_groups())


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
def edit_group(group_id: int):
    """Rename or reorder a product group."""
    from cloudmanager.core.errors import NotFound
    from cloudmanager.products.models import ProductGroup

    group = db.session.get(ProductGroup, group_id)
    if group is None:
        raise NotFound("This group does not exist.")
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        try:
            save_group(group, form.data, by=current_user)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash("Group saved.", "success")
            return redirect_to(url_for("products.groups"))
    status = form_status(form)
    return render_page("products/group_form.html", status=status, form=form, group=group)
