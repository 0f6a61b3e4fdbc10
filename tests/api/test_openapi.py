"""The OpenAPI document is generated from the code and describes every API route."""

from cloudmanager.api.registry import OPERATIONS


def test_openapi_document_is_3_1_and_lists_every_operation(client, app):
    document = client.get("/api/openapi.json").json
    assert document["openapi"] == "3.1.0"
    documented = {
        (path, method) for path, methods in document["paths"].items() for method in methods
    }
    api_rules = {
        (rule.rule, method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api_v1.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    normalized = {(path.replace("{", "<").replace("}", ">"), m) for path, m in documented}
    assert {(r.replace("<int:", "<"), m) for r, m in api_rules} == normalized
    assert len(documented) == len(OPERATIONS)


def test_every_schema_reference_resolves(client):
    document = client.get("/api/openapi.json").json
    text = str(document)
    import re

    for name in re.findall(r"#/components/schemas/([^'\"]+)", text):
        assert name in document["components"]["schemas"], name


def test_docs_pages_are_served_from_our_static_files(client):
    for path, asset in (("/api/docs", b"vendor/swagger-ui"), ("/api/redoc", b"vendor/redoc")):
        page = client.get(path)
        assert page.status_code == 200 and asset in page.data
        assert b"cdn" not in page.data.lower()
        assert "unsafe-inline" not in page.headers["Content-Security-Policy"]


def test_vendored_redoc_reaches_no_cdn():
    from cloudmanager.config import BASE_DIR

    bundle = (BASE_DIR / "static/vendor/redoc/redoc.standalone.js").read_text()
    assert "cdn.redoc.ly" not in bundle


def test_links_chain_create_get_and_update(client):
    paths = client.get("/api/openapi.json").json["paths"]
    links = paths["/api/v1/customers"]["post"]["responses"]["201"]["links"]
    for target in ("get_customer_api", "update_customer_api", "create_contact_api"):
        assert links[target]["parameters"] == {"path.customer_id": "$response.body#/id"}
    assert links["create_order_api"]["requestBody"] == {"customer_id": "$response.body#/id"}
    item = paths["/api/v1/orders/{order_id}"]["get"]["responses"]["200"]["links"]
    assert item["accept_order_api"]["parameters"] == {"path.order_id": "$request.path.order_id"}


def test_every_link_names_an_operation_and_its_parameters(client):
    document = client.get("/api/openapi.json").json
    operations = {
        op["operationId"]: op for methods in document["paths"].values() for op in methods.values()
    }
    for op in operations.values():
        for response in op["responses"].values():
            for link in response.get("links", {}).values():
                target = operations[link["operationId"]]
                names = {(p["in"], p["name"]) for p in target["parameters"]}
                for key in link.get("parameters", {}):
                    assert tuple(key.split(".", 1)) in names, (op["operationId"], key)


def test_errors_are_documented_as_problems_with_field_errors(client):
    document = client.get("/api/openapi.json").json
    create = document["paths"]["/api/v1/customers"]["post"]
    assert set(create["responses"]) >= {"201", "400", "401", "403", "409", "422", "429"}
    problem = create["responses"]["422"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    pdf = document["paths"]["/api/v1/invoices/{invoice_id}/pdf"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"] and "Retry-After" in pdf["202"]["headers"]
