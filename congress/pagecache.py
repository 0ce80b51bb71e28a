"""Whole-page cache for anonymous visitors that is never stale.

Every public page a visitor without cookies requests is kept in the cache (Redis in
production) under a key that includes the site's *data generation*. Any write bumps the
generation, so the next request after a write renders afresh — a new reply is visible at once:

- every POST/PUT/PATCH/DELETE request bumps it when it finishes (all writes made through the
  site: forms, the portal, the admin, imports);
- model signals (post_save, post_delete, m2m_changed) bump it for writes made elsewhere
  (management commands, background tasks, the shell);
- code that writes with QuerySet.update() or bulk_create() outside a request calls
  `bump_generation()` itself (load_demo does).

What is never cached: anything for a visitor who has a session or message cookie (logged-in
deputies and staff, someone who just submitted a form), a page that used a CSRF token (the
opinion form), streamed files, non-200 answers, and the admin, portal and account pages.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
NEVER_CACHED_PREFIXES = (
    "/admin/",
    "/portal/",
    "/accounts/",
    "/en/admin/",
    "/en/portal/",
    "/en/accounts/",
)


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh cache (restart, eviction): start from a value no earlier key can have used.
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def bump_generation(**_signal_kwargs) -> None:
    """Invalidate every cached page at once (one atomic increment)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet
        cache.add(GENERATION_KEY, 2, timeout=None)


def connect_signals() -> None:
    """Called from CongressConfig.ready(): any model write of the site's apps bumps the generation."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(bump_generation, dispatch_uid=f"pagecache-{signal!r}")


def _cacheable_request(request) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    if request.path.startswith(NEVER_CACHED_PREFIXES):
        return False
    # Only visitors with no state of their own: no session, no flash messages.
    return not any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES)


def _key(request, generation: int) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"pagecache:{generation}:{request.method}:{digest}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @property
    def timeout(self) -> int:
        # Read on every request, not once at start-up: a server started before the setting
        # changed (tests that turn the cache on, a long-lived live server) must still obey it.
        return getattr(settings, "PAGE_CACHE_SECONDS", 300)

    def __call__(self, request):
        if not self.timeout:
            return self.get_response(request)
        if request.method in UNSAFE_METHODS:
            try:
                return self.get_response(request)
            finally:
                bump_generation()
        if not _cacheable_request(request):
            return self.get_response(request)

        key = _key(request, current_generation())
        cached = cache.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if self._cacheable_response(request, response):
            try:
                cache.set(key, response, self.timeout)
            except Exception:  # an unreachable cache must not break the page
                logger.warning("page cache: could not store %s", request.path, exc_info=True)
        return response

    @staticmethod
    def _cacheable_response(request, response) -> bool:
        # Pages say "Vary: Cookie" because the menu asks whether someone is logged in; for a
        # request without session cookies every visitor gets the same page, so that is safe
        # to share. A page that used a CSRF token is not: the token belongs to one visitor.
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "no-store" not in response.get("Cache-Control", "")
            and "private" not in response.get("Cache-Control", "")
        )


_MISSING = object()


def remember(key: str, compute, timeout: int | None = None):
    """`compute()`, kept in the shared cache until the next write (same generation as pages).

    For figures that logged-in visitors need too (the page cache serves only anonymous ones).
    Off, like the page cache, when there is no shared cache.
    """
    seconds = timeout or getattr(settings, "PAGE_CACHE_SECONDS", 0)
    if not seconds:
        return compute()
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    # Values may hold translated labels: one entry per language.
    full_key = f"memo:{current_generation()}:{get_language()}:{digest}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full_key, value, seconds)
    return value
