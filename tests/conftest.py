import pytest


@pytest.fixture
def staff_client(client, db):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    return client
