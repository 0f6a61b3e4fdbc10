"""Page reads skip the rate limiter, so no route may put a limit on them."""

from cloudmanager.extensions import READ_LIMITED_BLUEPRINTS, limiter


def test_route_limits_outside_the_api_never_cover_reads(app):
    decorated = limiter.limit_manager._decorated_limits
    assert decorated, "the sign-in forms carry limits"
    for route, limits in decorated.items():
        for limit in limits:
            methods = {method.upper() for method in limit.methods or ()}
            assert methods and not methods & {"GET", "HEAD"}, route


def test_only_read_limited_blueprints_have_blueprint_limits(app):
    assert set(limiter.limit_manager._blueprint_limits) <= READ_LIMITED_BLUEPRINTS


def test_the_api_still_limits_reads(app):
    with app.test_request_context("/api/v1/customers"):
        from cloudmanager.extensions import unlimited_page_read

        assert not unlimited_page_read()
    with app.test_request_context("/customers/"):
        assert unlimited_page_read()


def test_page_reads_never_enter_the_limiter(app, client, login_as, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the limiter looked at a page read")

    monkeypatch.setattr(limiter, "identify_request", refuse)
    login_as("agent")

    assert client.get("/customers/").status_code == 200
