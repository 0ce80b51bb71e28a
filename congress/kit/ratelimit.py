"""Fixed-window rate limits kept in the shared cache (Redis in production, shared by every server),
and the one definition of "the client's address" that every limit and django-axes use.

`hit("opinion-ip", address, limit=5, seconds=600)` counts one event and says whether it is still
within the limit. The count is one atomic increment (Redis INCR; the local-memory cache takes a
lock), so concurrent requests on several workers never both slip under the limit.

Without a reachable cache the limits fail open (`hit` answers True): they guard against floods,
and refusing every resident because Redis is down would be worse than a flood. Login throttling
does not depend on them: django-axes keeps its attempts in the database.
"""

import hashlib
import ipaddress
import time
from functools import cache as memoize

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.http import HttpRequest

from congress.kit.rules import rule
from congress.kit.sharedcache import shared

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@memoize
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(value: str) -> IPAddress | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:5123
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: IPAddress | None, networks: tuple[IPNetwork, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address, read from the trusted proxy chain.

    settings.TRUSTED_PROXIES lists the reverse proxies' addresses or networks (CIDR). When the
    request comes straight from one of them, the forwarded header (CONGRESS_RULES
    ["CLIENT_IP_HEADER"], X-Forwarded-For by default) is read from the right, skipping the
    trusted proxies' own entries: the first address left is the client. Entries further left
    are the client's own word and never used. A request from any other peer, or with no
    TRUSTED_PROXIES configured, is its REMOTE_ADDR whatever headers it carries.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    peer = _parse(remote)
    if not networks or not _trusted(peer, networks):
        return str(peer) if peer is not None else remote
    header = str(rule("CLIENT_IP_HEADER") or "HTTP_X_FORWARDED_FOR")
    hops = [h for h in request.META.get(header, "").split(",") if h.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # garbage: stop at the last address a trusted proxy vouched for
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def axes_client_ip(request: HttpRequest) -> str | None:
    """client_address for django-axes (AXES_CLIENT_IP_CALLABLE): None rather than a non-address
    (a request built in code, e.g. force_login, has no REMOTE_ADDR; the column is an inet)."""
    address = client_address(request)
    return address if _parse(address) is not None else None


@register(Tags.security, deploy=True)
def check_proxy_settings(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """CLIENT_IP_HEADER used to be trusted from anyone; now it needs TRUSTED_PROXIES."""
    if rule("CLIENT_IP_HEADER") and not getattr(settings, "TRUSTED_PROXIES", None):
        return [
            Warning(
                "CLIENT_IP_HEADER is set but TRUSTED_PROXIES is empty: the header is ignored "
                "and every client is its REMOTE_ADDR.",
                hint="List your reverse proxies' addresses in TRUSTED_PROXIES.",
                id="congress.W001",
            )
        ]
    return []


def _key(scope: str, subject: str, seconds: int) -> str:
    window = int(time.time() // seconds)
    # Hashed: the cache never holds a readable address.
    digest = hashlib.sha256(f"{scope}:{subject}".encode()).hexdigest()[:24]
    return f"rl:{scope}:{digest}:{window}"


def hit(scope: str, subject: str, *, limit: int, seconds: int) -> bool:
    """Count one event for `subject`; True while the window's count is within `limit`.

    True as well when the cache cannot be reached (fail open, see the module's docstring).
    """
    key = _key(scope, str(subject), seconds)
    if shared.add(key, 1, timeout=seconds + 5):
        return 1 <= limit
    try:
        count = shared.incr(key)
    except ValueError:  # expired between add() and incr()
        shared.add(key, 1, timeout=seconds + 5)
        count = 1
    if count is None:
        return True
    return count <= limit


def peek(scope: str, subject: str, *, seconds: int) -> int:
    """The window's count so far, without counting (0 without a cache)."""
    return int(shared.get(_key(scope, str(subject), seconds)) or 0)
