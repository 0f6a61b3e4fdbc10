"""/api/openapi.json and the documentation pages (Swagger UI, ReDoc) from our static files."""

from flask import jsonify, render_template

from cloudmanager.api import docs
from cloudmanager.api.openapi import openapi_document


@docs.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document, generated from the code."""
    return jsonify(openapi_document())


@docs.get("/docs")
def swagger_ui():
    """Swagger UI, served from static/vendor under our CSP."""
    return render_template("api/swagger.html")


@docs.get("/redoc")
def redoc():
    """ReDoc, served from static/vendor under our CSP."""
    return render_template("api/redoc.html")
