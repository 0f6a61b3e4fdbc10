"""Admin pages: register webhooks, read their delivery log, redeliver by hand."""

from flask import abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.navigation import NavItem, register_nav
from cloudmanager.core.pagination import keyset_page
from cloudmanager.extensions import db
from cloudmanager.webhooks import bp
from cloudmanager.webhooks.forms import WebhookForm
from cloudmanager.webhooks.models import Webhook, WebhookDelivery
from cloudmanager.webhooks.services import (
    delete_webhook,
    redeliver as redeliver_service,
    register_webhook,
    update_webhook,
)

register_nav(NavItem("Webhooks", "broadcast", "webhooks.index", "webhooks.manage", "admin", 930))


def _webhook_or_404(webhook_id: int) -> Webhook:
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None:
        abort(404)
    return webhook


@bp.get("/")
def index():
    """Registered webhooks with their delivery counts."""
    hooks = db.session.scalars(select(Webhook).order_by(Webhook.id)).all()
    failed = dict(
        db.session.execute(
            select(WebhookDelivery.webhook_id, func.count())
            .where(WebhookDelivery.status == "failed")
            .group_by(WebhookDelivery.webhook_id)
        ).all()
    )
    return render_page("webhooks/index.html", webhooks=hooks, failed=failed)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Register a webhook; its secret is shown on its page."""
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            webhook = register_webhook(
                url=form.url.data,
                events=form.events.data or [],
                description=form.description.data,
                by=current_user,
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            flash("Webhook registered. Use its secret to verify signatures.", "success")
            return redirect_to(url_for("webhooks.detail", webhook_id=webhook.id))
    return render_page("webhooks/form.html", form=form, webhook=None, status=form_status(form))


@bp.get("/<int:webhook_id>")
def detail(webhook_id: int):
    """A webhook, its secret and its delivery log (newest first)."""
    webhook = _webhook_or_404(webhook_id)
    page = keyset_page(
        select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id),
        [WebhookDelivery.id],
        cursor=request.args.get("cursor"),
        size=25,
        descending=True,
    )
    return render_page(
        "webhooks/detail.html", "webhooks/_deliveries.html", webhook=webhook, page=page
    )


@bp.route("/<int:webhook_id>/edit", methods=["GET", "POST"])
def update(webhook_id: int):
    """Change a webhook."""
    webhook = _webhook_or_404(webhook_id)
    form = WebhookForm(obj=webhook)
    if form.validate_on_submit():
        try:
            update_webhook(
                webhook,
                url=form.url.data,
                events=form.events.data or [],
                description=form.description.data,
                active=form.active.data,
                by=current_user,
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            flash("Webhook saved.", "success")
            return redirect_to(url_for("webhooks.detail", webhook_id=webhook.id))
    return render_page("webhooks/form.html", form=form, webhook=webhook, status=form_status(form))


@bp.post("/<int:webhook_id>/delete")
def delete(webhook_id: int):
    """Remove a webhook and its log."""
    delete_webhook(_webhook_or_404(webhook_id), by=current_user)
    db.session.commit()
    flash("Webhook deleted.", "success")
    return redirect_to(url_for("webhooks.index"))


@bp.post("/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver")
def redeliver(webhook_id: int, delivery_id: int):
    """Send a delivery again."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.webhook_id != webhook_id:
        abort(404)
    redeliver_service(delivery, by=current_user)
    db.session.commit()
    flash("Delivery queued again.", "success")
    return redirect_to(url_for("webhooks.detail", webhook_id=webhook_id))
