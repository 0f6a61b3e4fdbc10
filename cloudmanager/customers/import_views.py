"""CSV import pages: upload → map columns → preview → background import with progress."""

from flask import Response, flash, request, url_for
from flask_login import current_user

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.customers import bp
from cloudmanager.customers.forms import UploadForm, apply_errors
from cloudmanager.customers.imports import (
    PREVIEW_ROWS,
    REQUIRED_TARGETS,
    TARGETS,
    preview,
    queue_import,
    set_mapping,
    upload_import,
)
from cloudmanager.customers.models import ImportBatch
from cloudmanager.extensions import db


def get_batch(batch_id: int) -> ImportBatch:
    """The import batch or a 404."""
    return db.get_or_404(ImportBatch, batch_id)


@bp.route("/import", methods=["GET", "POST"])
def import_upload():
    """Step 1: upload a CSV file."""
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            batch = upload_import(upload.filename or "", upload.read(), by=current_user)
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            return redirect_to(url_for("customers.import_mapping", batch_id=batch.id))
    if request.method == "POST":
        status = 422
    recent = db.session.scalars(
        db.select(ImportBatch).order_by(ImportBatch.id.desc()).limit(10)
    ).all()
    return render_page("customers/import_upload.html", status=status, form=form, recent=recent)


def _mapping_page(batch: ImportBatch, errors: dict[str, str] | None = None, status: int = 200):
    headers, results = preview(batch)
    return render_page(
        "customers/import_mapping.html",
        fragment="customers/_import_preview.html",
        status=status,
        batch=batch,
        headers=headers,
        results=results,
        targets=TARGETS,
        required=REQUIRED_TARGETS,
        errors=errors or {},
        preview_rows=PREVIEW_ROWS,
    )


@bp.route("/import/<int:batch_id>", methods=["GET", "POST"])
def import_mapping(batch_id: int):
    """Step 2: choose the column of each field and check the preview."""
    batch = get_batch(batch_id)
    if batch.status != "uploaded":
        return redirect_to(url_for("customers.import_progress", batch_id=batch.id))
    if request.method == "POST":
        from cloudmanager.customers.imports import batch_rows

        headers, _rows = batch_rows(batch)
        try:
            set_mapping(batch, request.form, headers)
        except ValidationFailed as error:
            db.session.rollback()
            return _mapping_page(batch, error.errors, status=422)
        db.session.commit()
    return _mapping_page(batch)


@bp.post("/import/<int:batch_id>/start")
def import_start(batch_id: int):
    """Step 3: import the valid rows in the background."""
    batch = get_batch(batch_id)
    queue_import(batch, by=current_user)
    db.session.commit()  # the job is dispatched after this commit
    return redirect_to(url_for("customers.import_progress", batch_id=batch.id))


@bp.get("/import/<int:batch_id>/progress")
def import_progress(batch_id: int):
    """Step 4: the progress bar (htmx polls the fragment every second until done)."""
    batch = get_batch(batch_id)
    return render_page(
        "customers/import_progress.html",
        fragment="customers/_import_progress.html",
        batch=batch,
    )


@bp.get("/import/<int:batch_id>/report.csv")
def import_report(batch_id: int):
    """The rejected rows with their reasons, as CSV."""
    batch = get_batch(batch_id)
    if not batch.done:
        flash("The report is ready when the import has finished.", "warning")
        return redirect_to(url_for("customers.import_progress", batch_id=batch.id))
    return Response(
        batch.error_report or "line,errors\n",
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="import-{batch.id}-rejected.csv"'},
    )
