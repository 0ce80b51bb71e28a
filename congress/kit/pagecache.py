"""Whole-page cache for anonymous visitors that is never stale, and that only real writes empty.

Every public page a visitor without cookies requests is kept in the shared cache (Redis in
production). Invalidation is by **topic**: a page says, next to its view, which topics it shows

    @cached_page(depends=["suggestions", "suggestion:{pk}", "deputies"])
    def suggestion_detail(request, pk): ...

and each topic has a *generation* in the shared cache. A stored page keeps the generations of
its topics as they were when it began rendering; it is served only while they are all unchanged.
Every app process reads the same generations, so a write in one is seen by all.

What bumps a topic:

- a committed write of a model of the site's apps (post_save, post_delete, m2m_changed), once
  the transaction has committed (`transaction.on_commit`; a write rolled back bumps nothing).
  Which topics a row touches is declared once per app in `<app>/pagetopics.py` (the registry
  below, discovered like admin.py): a resident's new opinion touches "opinions" and that year's
  review, not the deputies directory; a reply touches its suggestion, the lists and figures
  that count it. A model of those apps that declares nothing touches everything;
- an explicit `touched(...)` (or `touched_rows(rows)`) next to a bulk write that sends no
  signals (QuerySet.update(), bulk_create(), bulk_update() in services), also after commit;
  `touched_everything()` after an import or the demo;
- nothing else: not the HTTP method, not a POST that was refused or wrote nothing (404, 403,
  405, 429, a form with errors), so no anonymous client can empty the cache.

Two special topics: ANY_WRITE is bumped by every write; a page whose view declares nothing
depends on it (correct, just not narrow). EVERYTHING is a dependency of every page.

The key holds the scheme, the host, the path and the query parameters the view said it reads
(`accept_params`, or `params=` of the decorator); a request with any other parameter is served
but not stored, and at most PAGE_CACHE_VARIANTS query strings are stored per path, so junk
cannot fill the cache. What is never cached: anything for a visitor who has a session or
message cookie (logged-in deputies and staff, someone who just submitted a form), a page that
used a CSRF token (the opinion form), streamed files, non-200 answers (a 404 for a made-up
address too), and the admin, portal and account pages.

Without a reachable cache (congress.kit.sharedcache) pages are simply rendered every time and
writes bump nothing (there is nothing cached to go stale).
"""

import contextvars
import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from congress.kit import summaries
from congress.kit.registry import Discovery
from congress.kit.sharedcache import shared

logger = logging.getLogger(__name__)

ANY_WRITE = "any-write"
EVERYTHING = "everything"
GENERATION_PREFIX = "pagecache:gen:"
NEVER_CACHED_PREFIXES = (
    "/admin/",
    "/portal/",
    "/accounts/",
    "/en/admin/",
    "/en/portal/",
    "/en/accounts/",
)
# The apps whose rows public pages show; a write to any of them drops the pages of its topics.
SITE_APPS = {"congress", "deputies", "proposals", "supervision"}


# -- generations ---------------------------------------------------------------------------------


def _generation_key(topic: str) -> str:
    return GENERATION_PREFIX + topic


# Generations expire a day after they were created (one key per suggestion page ever visited
# should not pile up in Redis): a generation that vanished only makes its pages render afresh.
GENERATION_SECONDS = 24 * 60 * 60


def _fresh_start() -> int:
    # A generation that vanished (restart, eviction) starts again from a value no earlier
    # snapshot can hold: the clock in microseconds is far ahead of any count of bumps.
    return time.time_ns() // 1000


def generations(topics: Iterable[str]) -> dict[str, int] | None:
    """The current generation of each topic; None when the shared cache is unreachable."""
    topics = sorted(set(topics))
    keys = [_generation_key(t) for t in topics]
    found = shared.get_many(keys)
    if found is None:
        return None
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            shared.add(key, _fresh_start(), timeout=GENERATION_SECONDS)
        again = shared.get_many(missing)
        if again is None or len(again) < len(missing):
            return None
        found.update(again)
    return {topic: found[key] for topic, key in zip(topics, keys, strict=True)}


def _bump(topics: Iterable[str]) -> None:
    """Bump these generations now (one atomic increment each). Never raises."""
    for topic in sorted({*topics, ANY_WRITE}):
        key = _generation_key(topic)
        try:
            if shared.incr(key) is None:
                return  # no cache reachable: nothing cached can go stale either
        except ValueError:  # not there yet (or evicted): any fresh start differs from snapshots
            shared.add(key, _fresh_start(), timeout=GENERATION_SECONDS)


class PendingTouch:
    """The after-commit callback of one transaction: the topics its writes touched, bumped once."""

    def __init__(self):
        self.topics: set[str] = set()

    def __call__(self) -> None:
        _bump(self.topics)


def touched(*topics: str) -> None:
    """Drop every cached page and figure that depends on one of these topics, once the current
    transaction commits (at once outside one). For writes that send no model signals:
    QuerySet.update(), bulk_create(), bulk_update() — call it next to them."""
    if not topics:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump(topics)
        return
    # One callback per transaction however many rows it wrote. A savepoint rolled back takes
    # its callbacks with it, so a later write in the same transaction registers again.
    for _sids, func, _robust in connection.run_on_commit:
        if isinstance(func, PendingTouch):
            func.topics.update(topics)
            return
    pending = PendingTouch()
    pending.topics.update(topics)
    # robust: a failing callback (there should be none) never breaks the write that came first.
    transaction.on_commit(pending, robust=True)


def touched_rows(rows: Iterable) -> None:
    """`touched()` with the topics of these rows, as if each had been saved (after a bulk write)."""
    rows = list(rows)
    found = set()
    for row in rows:
        found.update(topics.topics_of(row))
    summaries.rows_written(rows)  # the summary rows these rows count in are stale too
    touched(*found)


def touched_everything() -> None:
    """Drop every cached page (imports, the demo) and mark every summary row stale."""
    summaries.mark_all_stale()
    touched(EVERYTHING)


# Older name, kept for the import jobs and load_demo.
bump_generation = touched_everything


# -- which topics a model's rows touch (the registry) --------------------------------------------


class TopicRegistry:
    """Model → the topics a write of one of its rows touches. Filled by `<app>/pagetopics.py`."""

    def __init__(self):
        self._static: dict[type, tuple[str, ...]] = {}
        self._keyed: dict[type, str] = {}
        self._row: dict[type, Callable] = {}

    def register(self, model, *topics: str, key: str | None = None, row=None) -> None:
        """`topics`: always touched; `key="deputy"`: "deputy:<pk>" too; `row(obj)`: more
        topics read from the row (its suggestion, its year...). No topics: nothing public."""
        self._static[model] = topics
        if key:
            self._keyed[model] = key
        if row:
            self._row[model] = row

    def private(self, *models) -> None:
        """Rows no public page shows (they still bump ANY_WRITE, for undeclared pages)."""
        for model in models:
            self.register(model)

    def _model(self, model):
        model = model._meta.concrete_model if model._meta.proxy else model
        return model if model in self._static else None

    def is_registered(self, model) -> bool:
        return self._model(model) is not None

    def topics_of(self, instance) -> set[str]:
        model = self._model(type(instance))
        if model is None:
            return {EVERYTHING}
        topics = set(self._static[model])
        if model in self._keyed and instance.pk is not None:
            topics.add(f"{self._keyed[model]}:{instance.pk}")
        if model in self._row:
            topics.update(t for t in self._row[model](instance) if t)
        return topics

    def topics_of_pks(self, model, pks) -> set[str]:
        """The other side of a many-to-many change: its rows are unchanged, only the pages of
        the rows linked or unlinked ("deputy:<pk>") show the change."""
        model = self._model(model)
        if model is None:
            return {EVERYTHING}
        if model not in self._keyed:
            return set()
        if pks is None:  # clear(): which rows is not known
            return {EVERYTHING}
        return {f"{self._keyed[model]}:{pk}" for pk in pks}


topics = TopicRegistry()


def review_years(*values) -> list[str]:
    """ "reviews:<year>" for each date, datetime or year given (None skipped), and this year's."""
    years = {timezone.localdate().year}
    for value in values:
        if isinstance(value, int):
            years.add(value)
        elif hasattr(value, "year"):
            years.add(timezone.localtime(value).year if hasattr(value, "hour") else value.year)
    return [f"reviews:{year}" for year in sorted(years)]


def _site_model(model) -> bool:
    return model._meta.app_label in SITE_APPS


def _on_write(sender, instance, **_kwargs) -> None:
    if _site_model(sender):
        touched(*topics.topics_of(instance))


def _on_m2m(sender, instance, action, reverse, model, pk_set, **_kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"} or not _site_model(sender):
        return
    found = topics.topics_of(instance)
    if sender in topics._static:  # the link table itself may declare topics
        found.update(topics._static[sender])
    found.update(topics.topics_of_pks(model, pk_set))
    touched(*found)


_discovery = Discovery("pagetopics")


def connect_signals() -> None:
    """Called from CongressConfig.ready(): finds every app's pagetopics.py, listens to writes."""
    _discovery.discover()
    for signal, receiver in (
        (post_save, _on_write),
        (post_delete, _on_write),
        (m2m_changed, _on_m2m),
    ):
        signal.connect(receiver, dispatch_uid=f"pagecache-{signal!r}")


def undeclared_models() -> list[str]:
    """Models of the site's apps without a declaration (a test keeps this empty)."""
    return [
        model._meta.label
        for label in sorted(SITE_APPS)
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not topics.is_registered(model)
    ]


# -- what a page depends on ------------------------------------------------------------------------

# The topics (and their generations) of the page being rendered, for `remember()` inside it.
_page_topics: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "page_topics", default=None
)


def accept_params(request, names) -> None:
    """A view says which query parameters it reads; only requests with no others are stored."""
    known = getattr(request, "page_cache_params", set())
    request.page_cache_params = known | set(names)


def depends_on(request, page_topics: Iterable[str]) -> None:
    """The page being rendered shows these topics (the decorator calls it before the view)."""
    request.page_cache_topics = (*sorted(set(page_topics)), EVERYTHING)
    # The snapshot is read before the view renders: a write committed while it renders makes
    # the stored copy stale at once instead of being missed.
    request.page_cache_snapshot = generations(request.page_cache_topics)


def cached_page(depends: Iterable[str], params: Iterable[str] = ()):
    """Declare the topics a page shows; "{pk}"-style fields are filled from the URL's arguments.

    On a class-based view: `@method_decorator(cached_page(...), name="dispatch")`.
    """
    depends = tuple(depends)
    params = tuple(params)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            page_topics = [topic.format(**kwargs) for topic in depends]
            if params:
                accept_params(request, params)
            if getattr(request, "page_cache_wanted", False):
                depends_on(request, page_topics)
            token = _page_topics.set(tuple(page_topics))
            try:
                return view(request, *args, **kwargs)
            finally:
                _page_topics.reset(token)

        wrapped.page_cache_depends = depends
        return wrapped

    return decorator


# -- the middleware ----------------------------------------------------------------------------------


def _cacheable_request(request) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    if request.path.startswith(NEVER_CACHED_PREFIXES):
        return False
    # Only visitors with no state of their own: no session, no flash messages.
    return not any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES)


def _known_query(request) -> bool:
    """True when every query parameter is one the view said it reads."""
    known = getattr(request, "page_cache_params", None) or set()
    return not (set(request.GET) - known)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PageCacheMiddleware:
    """Serves a stored page while the generations of its topics are unchanged; stores new ones.

    One round trip (the entry and its topics' generations in one read) for a page this process
    has stored or served before, or that declared nothing; two for a declared one it has not
    (the entry, then its topics' generations).
    """

    # The topics each stored page depends on, as this process last saw them: the next request
    # for it fetches the entry and those topics' generations in one round trip instead of two.
    # Only a guess: an entry whose topics differ (another process stored it) is checked with a
    # second read. Bounded: cleared when it grows past KNOWN_TOPICS_MAX keys.
    KNOWN_TOPICS_MAX = 10_000

    def __init__(self, get_response):
        self.get_response = get_response
        self._known_topics: dict[str, tuple[str, ...]] = {}

    def _know(self, key: str, topics: Iterable[str]) -> None:
        if len(self._known_topics) >= self.KNOWN_TOPICS_MAX:
            self._known_topics.clear()
        self._known_topics[key] = tuple(topics)

    @property
    def timeout(self) -> int:
        # Read on every request, not once at start-up: a server started before the setting
        # changed (tests that turn the cache on, a long-lived live server) must still obey it.
        return getattr(settings, "PAGE_CACHE_SECONDS", 300)

    def __call__(self, request):
        if not self.timeout or not _cacheable_request(request):
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # Django answers it with a 400

        query = request.META.get("QUERY_STRING", "")
        key = f"pagecache:{request.method}:{_digest(f'{request.scheme}://{host}{request.path}?{query}')}"
        undeclared = (ANY_WRITE, EVERYTHING)
        guessed = {*undeclared, *self._known_topics.get(key, ())}
        found = shared.get_many([key, *map(_generation_key, guessed)])
        if found is None:  # the cache is unreachable: render, store nothing
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None:
            snapshot, response = entry
            if all(_generation_key(t) in found for t in snapshot):
                current = {t: found[_generation_key(t)] for t in snapshot}
            else:  # stored by another process, or a generation not read: ask for them
                current = generations(snapshot)
                self._know(key, snapshot)
            if current == snapshot:
                response["X-Page-Cache"] = "hit"
                return response

        request.page_cache_wanted = True
        # A view that declares its topics (cached_page) replaces this snapshot with its own.
        request.page_cache_topics = undeclared
        if all(_generation_key(t) in found for t in undeclared):
            request.page_cache_snapshot = {t: found[_generation_key(t)] for t in undeclared}
        else:
            request.page_cache_snapshot = generations(undeclared)
        response = self.get_response(request)
        snapshot = getattr(request, "page_cache_snapshot", None)
        if snapshot is None or not self._cacheable_response(request, response):
            return response
        if not _known_query(request):
            return response  # a parameter the page does not read: not worth an entry
        if request.GET and entry is None and not self._room_for_variant(request, host):
            return response
        if shared.set(key, (snapshot, response), self.timeout):
            self._know(key, snapshot)
        return response

    def _room_for_variant(self, request, host: str) -> bool:
        """At most PAGE_CACHE_VARIANTS new query strings per path and timeout."""
        counter = f"pagecache:variants:{_digest(f'{request.scheme}://{host}{request.path}')}"
        if shared.add(counter, 1, self.timeout):
            return True
        try:
            count = shared.incr(counter)
        except ValueError:
            return False
        return count is not None and count <= getattr(settings, "PAGE_CACHE_VARIANTS", 200)

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


# -- remembered figures --------------------------------------------------------------------------

_MISSING = object()


def remember(key: str, compute, timeout: int | None = None, depends: Iterable[str] | None = None):
    """`compute()`, kept in the shared cache until a write touches one of its topics.

    For figures that logged-in visitors need too (the page cache serves only anonymous ones).
    The topics: `depends`, else those of the page being rendered (`cached_page`), else any
    write. Off, like the page cache, when there is no shared cache.
    """
    seconds = timeout or getattr(settings, "PAGE_CACHE_SECONDS", 0)
    if not seconds:
        return compute()
    found = depends if depends is not None else _page_topics.get()
    memo_topics = (
        (*sorted(set(found)), EVERYTHING) if found is not None else (ANY_WRITE, EVERYTHING)
    )
    # Values may hold translated labels: one entry per language.
    full_key = f"memo:{get_language()}:{_digest(key)[:32]}"
    snapshot = generations(memo_topics)
    if snapshot is None:
        return compute()
    entry = shared.get(full_key)
    if entry is not None and entry[0] == snapshot:
        return entry[1]
    value = compute()
    shared.set(full_key, (snapshot, value), seconds)
    return value
