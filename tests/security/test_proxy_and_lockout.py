"""Attacks on login throttling and on the client address behind a reverse proxy.

Behind the proxy every request arrives from the proxy's address: without reading the trusted
proxy chain, five wrong passwords from anywhere locked a named deputy out for everyone, and a
client talking to the app directly could forge X-Forwarded-For to dodge every limit.
"""

import pytest
from django.test import Client

from congress.kit.ratelimit import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def _via_proxy(client_ip: str) -> Client:
    """A browser at `client_ip`, reaching the app through the trusted proxy (which appends it)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_wrong_passwords_from_one_address_do_not_lock_the_deputy_out_elsewhere():
    UserFactory(username="ph16-001")
    attacker = _via_proxy("198.51.100.66")
    for _ in range(8):
        _login(attacker, "ph16-001", "guess")
    assert _login(attacker, "ph16-001", "pw-for-tests").status_code == 429

    deputy = _via_proxy("203.0.113.10")
    response = _login(deputy, "ph16-001", "pw-for-tests")
    assert response.status_code == 302
    assert "_auth_user_id" in deputy.session


def test_eighty_wrong_passwords_over_twenty_accounts_from_one_address_are_throttled():
    for n in range(20):
        UserFactory(username=f"ph16-{n:03d}")
    attacker = _via_proxy("198.51.100.66")
    statuses = []
    for attempt in range(80):
        # four guesses per account: below the per-account limit of five
        statuses.append(_login(attacker, f"ph16-{attempt % 20:03d}", "guess").status_code)
    # The 30th failure from the address is answered with the lockout page, and so is the rest.
    assert statuses[:29] == [200] * 29
    assert set(statuses[29:]) == {429}
    # Even the right password of an untouched account is refused from that address now …
    UserFactory(username="ph16-099")
    assert _login(attacker, "ph16-099", "pw-for-tests").status_code == 429
    # … while the same account logs in from another address.
    assert _login(_via_proxy("203.0.113.10"), "ph16-099", "pw-for-tests").status_code == 302


def test_a_forged_forwarded_header_from_an_untrusted_peer_is_ignored():
    UserFactory(username="ph16-001")
    # Straight to the app, not through the proxy, with a made-up header each time.
    for n in range(6):
        forger = Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        _login(forger, "ph16-001", "guess")
    forger = Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert _login(forger, "ph16-001", "pw-for-tests").status_code == 429


def test_left_hand_entries_added_by_the_client_are_not_trusted(rf):
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.66")
    assert client_address(request) == "198.51.100.66"
    # Two trusted proxies in a row are skipped.
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66, 10.0.0.9")
    assert client_address(request) == "198.51.100.66"
    # Garbage from the client never becomes the address.
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="<script>")
    assert client_address(request) == PROXY


def test_without_trusted_proxies_the_header_is_never_read(rf, settings):
    settings.TRUSTED_PROXIES = []
    settings.CONGRESS_RULES = {
        **settings.CONGRESS_RULES,
        "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
    }
    request = rf.get("/", REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client_address(request) == "198.51.100.66"
