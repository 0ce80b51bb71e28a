import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counters and cached figures are per test."""
    from django.core.cache import cache

    from congress.kit.sharedcache import shared

    shared.reset()
    cache.clear()
    yield
    shared.reset()
    cache.clear()


@pytest.fixture
def staff_client(client, db):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    return client
