"""The shared cache (Redis in production) as an optional helper: down, it degrades, never fails.

Every use of the cache in the site goes through `shared` (never `django.core.cache.cache`
directly): the page cache, remembered figures, rate limits, the poster PDFs. When the cache
server is unreachable, each call answers as if the entry were missing (get → default,
add/set → False, incr → None) and the failure is logged once. After a failure the cache is
left alone for a few seconds (`CACHE_RETRY_SECONDS`), so a dead Redis costs one short socket
time-out per worker now and then instead of one per call.

What that means for each user of the cache is decided by the caller and written beside it:
pages render afresh, rate limits fail open (login throttling is in the database: django-axes),
the generation counter is simply not bumped (there is nothing cached to go stale).
"""

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

_MISSING = object()


class TolerantCache:
    def __init__(self) -> None:
        self._down_until = 0.0
        self._lock = threading.Lock()
        self.last_error = ""

    # -- state -----------------------------------------------------------------------------

    def available(self) -> bool:
        """False while a recent failure is still fresh (no call is tried then)."""
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, error: Exception) -> None:
        retry = getattr(settings, "CACHE_RETRY_SECONDS", 5)
        with self._lock:
            first = self.available()
            self._down_until = time.monotonic() + retry
            self.last_error = type(error).__name__
        if first:  # one line per outage and worker, not one per call
            logger.warning("shared cache unavailable (%s: %s)", operation, type(error).__name__)

    def _call(self, operation: str, default: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.available():
            return default
        try:
            return getattr(cache, operation)(*args, **kwargs)
        except ValueError:  # incr() of a missing key: the caller's business
            raise
        except Exception as error:  # redis.ConnectionError, TimeoutError, OSError, …
            self._failed(operation, error)
            return default

    def reset(self) -> None:
        """Forget a recent failure (tests; a changed CACHES setting)."""
        with self._lock:
            self._down_until = 0.0

    def ping(self) -> bool:
        """Try the cache now, even during a retry pause (for /healthz)."""
        try:
            cache.get("healthz:ping")
        except Exception as error:
            self._failed("ping", error)
            return False
        with self._lock:
            self._down_until = 0.0
        return True

    # -- the cache's API ---------------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", default, key, default)

    def get_many(self, keys: Iterable[str]) -> dict[str, Any] | None:
        """The entries found, by key; None (not {}) when the cache is unreachable."""
        found: dict[str, Any] | None = self._call("get_many", None, keys)
        return found

    def set(self, key: str, value: Any, timeout: float | None = None) -> bool:
        return self._call("set", False, key, value, timeout) is not False

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        return bool(self._call("add", False, key, value, timeout))

    def claim(self, key: str, timeout: float) -> bool:
        """True when this caller is the first to claim `key` within `timeout` seconds, or when
        the cache cannot tell (unreachable): a caller that skips work while someone else holds
        the claim then does the work rather than skip it forever."""
        added = self._call("add", None, key, 1, timeout)
        return added is None or bool(added)

    def incr(self, key: str, delta: int = 1) -> int | None:
        """The new value; None when the cache is unreachable; ValueError when the key is missing."""
        value: int | None = self._call("incr", None, key, delta)
        return value

    def delete(self, key: str) -> None:
        self._call("delete", None, key)

    def clear(self) -> None:
        self._call("clear", None)


shared = TolerantCache()
