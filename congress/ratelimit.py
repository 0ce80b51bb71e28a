"""Fixed-window rate limits kept in Django's cache (Redis in production, shared by every server).

`hit("opinion-ip", address, limit=5, seconds=600)` counts one event and says whether it is still
within the limit. The count is one atomic increment (Redis INCR; the local-memory cache takes a
lock), so concurrent requests on several workers never both slip under the limit.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a reverse proxy the header it sets.

    CONGRESS_RULES["CLIENT_IP_HEADER"] (e.g. "HTTP_X_FORWARDED_FOR") names that header; the
    right-most entry is used, the one our own proxy added (the left ones are the client's word).
    """
    header = settings.CONGRESS_RULES.get("CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, subject: str, seconds: int) -> str:
    window = int(time.time() // seconds)
    # Hashed: the cache never holds a readable address.
    digest = hashlib.sha256(f"{scope}:{subject}".encode()).hexdigest()[:24]
    return f"rl:{scope}:{digest}:{window}"


def hit(scope: str, subject: str, *, limit: int, seconds: int) -> bool:
    """Count one event for `subject`; True while the window's count is within `limit`."""
    key = _key(scope, str(subject), seconds)
    if cache.add(key, 1, timeout=seconds + 5):
        return 1 <= limit
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=seconds + 5)
        count = 1
    return count <= limit


def peek(scope: str, subject: str, *, seconds: int) -> int:
    """The window's count so far, without counting."""
    return int(cache.get(_key(scope, str(subject), seconds)) or 0)
