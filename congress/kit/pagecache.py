"""Whole-page cache for anonymous visitors that is never stale.

Every public page a visitor without cookies requests is kept in the shared cache (Redis in
production) under a key that includes the site's *data generation*. A committed write bumps
the generation, so the next request after a write renders afresh — a new reply is visible at once:

- model signals (post_save, post_delete, m2m_changed) of the site's own apps bump it once the
  transaction has committed (a write rolled back bumps nothing). Rows of other apps (sessions,
  login attempts, task results) never show on a public page and do not bump it;
- a POST/PUT/PATCH/DELETE by a *logged-in* user that succeeded (status below 400) bumps it too,
  for the few writes made with QuerySet.update() or bulk_create() through the site (imports);
  an anonymous POST never does by itself — a refused one (bad CSRF token, 404, 405, 429, a form
  with errors) must not let anyone empty the cache;
- code that writes with QuerySet.update() or bulk_create() outside a request calls
  `bump_generation()` itself (load_demo does).

The key holds the scheme, the host, the path and the query parameters the view said it reads
(`accept_params`); a request with any other parameter is served but not stored, and at most
PAGE_CACHE_VARIANTS query strings are stored per path and generation, so junk cannot fill the
cache. What is never cached: anything for a visitor who has a session or message cookie
(logged-in deputies and staff, someone who just submitted a form), a page that used a CSRF
token (the opinion form), streamed files, non-200 answers (a 404 for a made-up address too),
and the admin, portal and account pages.

Without a reachable cache (congress.kit.sharedcache) pages are simply rendered every time.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import cast

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import get_language

from congress.kit.sharedcache import shared

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
# The apps whose rows public pages show; a write to any of them drops the cached pages.
SITE_APPS = {"congress", "deputies", "proposals", "supervision"}


def current_generation() -> int:
    generation = shared.get(GENERATION_KEY)
    if generation is None:
        # A fresh cache (restart, eviction): start from a value no earlier key can have used.
        shared.add(GENERATION_KEY, 1, timeout=None)
        generation = shared.get(GENERATION_KEY, 1)
    return int(generation)


def bump_generation(**_signal_kwargs: object) -> None:
    """Invalidate every cached page at once (one atomic increment). Never raises."""
    try:
        if shared.incr(GENERATION_KEY) is None:
            return  # no cache reachable: nothing cached can go stale either
    except ValueError:  # not there yet
        shared.add(GENERATION_KEY, 2, timeout=None)


def committed_bump() -> None:
    """The after-commit callback: one per transaction however many rows it wrote."""
    bump_generation()


def _bump_after_commit(sender: type[Model], **_kwargs: object) -> None:
    if sender._meta.app_label not in SITE_APPS:
        return
    connection = transaction.get_connection()
    # Already waiting for this transaction's commit? (A savepoint rolled back takes its
    # callbacks with it, so a later write registers again.)
    if any(func is committed_bump for _sids, func, _robust in connection.run_on_commit):
        return
    # robust: a failing callback (there should be none) never breaks the write that came first.
    transaction.on_commit(committed_bump, robust=True)


def connect_signals() -> None:
    """Called from CongressConfig.ready(): a committed write of the site's apps bumps the generation."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_bump_after_commit, dispatch_uid=f"pagecache-{signal!r}")


def accept_params(request: HttpRequest, names: Iterable[str]) -> None:
    """A view says which query parameters it reads; only requests with no others are stored."""
    known: set[str] = getattr(request, "page_cache_params", set())
    request.page_cache_params = known | set(names)  # type: ignore[attr-defined]


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    if request.path.startswith(NEVER_CACHED_PREFIXES):
        return False
    # Only visitors with no state of their own: no session, no flash messages.
    return not any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES)


def _known_query(request: HttpRequest) -> bool:
    """True when every query parameter is one the view said it reads."""
    known = getattr(request, "page_cache_params", None) or set()
    return not (set(request.GET) - known)


def _key(request: HttpRequest, generation: int, host: str) -> str:
    query = request.META.get("QUERY_STRING", "")
    where = f"{request.scheme}://{host}{request.path}?{query}"
    digest = hashlib.sha256(where.encode()).hexdigest()
    return f"pagecache:{generation}:{request.method}:{digest}"


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.variants = getattr(settings, "PAGE_CACHE_VARIANTS", 200)

    @property
    def timeout(self) -> int:
        # Read on every request, not once at start-up: a server started before the setting
        # changed (tests that turn the cache on, a long-lived live server) must still obey it.
        return getattr(settings, "PAGE_CACHE_SECONDS", 300)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self.timeout:
            return self.get_response(request)
        if request.method in UNSAFE_METHODS:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if response.status_code < 400 and user is not None and user.is_authenticated:
                bump_generation()
            return response
        if not _cacheable_request(request):
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # Django answers it with a 400

        generation = current_generation()
        key = _key(request, generation, host)
        cached: HttpResponseBase | None = shared.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if self._cacheable_response(request, response):
            if not _known_query(request):
                return response  # a parameter the page does not read: not worth an entry
            if request.GET and not self._room_for_variant(request, generation, host):
                return response
            shared.set(key, response, self.timeout)
        return response

    def _room_for_variant(self, request: HttpRequest, generation: int, host: str) -> bool:
        """At most PAGE_CACHE_VARIANTS query strings per path and generation."""
        digest = hashlib.sha256(f"{request.scheme}://{host}{request.path}".encode()).hexdigest()
        counter = f"pagecache:{generation}:variants:{digest}"
        if shared.add(counter, 1, self.timeout):
            return True
        try:
            count = shared.incr(counter)
        except ValueError:
            return False
        return count is not None and count <= self.variants

    @staticmethod
    def _cacheable_response(request: HttpRequest, response: HttpResponseBase) -> bool:
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


def remember[T](key: str, compute: Callable[[], T], timeout: int | None = None) -> T:
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
    value = shared.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        shared.set(full_key, value, seconds)
    return cast(T, value)  # what compute() returned, then or in an earlier request
