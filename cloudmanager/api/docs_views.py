"""/api/openapi.json and the documentation pages (Swagger UI, ReDoc) from our static files."""

from flask import jsonify, make_response, render_template

from cloudmanager.api import docs
from cloudmanager.api.openapi import openapi_document
from cloudmanager.core.security import EMPTY_STYLE_HASH, content_security_policy


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
    """ReDoc, served from static/vendor under our CSP (plus empty <style> elements)."""
    response = make_response(render_template("api/redoc.html"))
    response.headers["Content-Security-Policy"] = content_security_policy(
        f"'self' {EMPTY_STYLE_HASH}"
    )
    return response
