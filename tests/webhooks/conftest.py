"""The webhook tests use the real receiver of tests/fixtures/webhooks.py."""

from tests.fixtures.webhooks import receiver, subscribe  # noqa: F401 (fixtures)
