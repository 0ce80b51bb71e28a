"""Site-wide middleware."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

try:  # the pool's own time-out when every connection is busy or the server is gone
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover - psycopg is a hard dependency
    PoolTimeout = OperationalError


class DatabaseUnavailableMiddleware:
    """The database unreachable → a 503 page that asks to retry, not a traceback.

    Only connection-level failures qualify (OperationalError, InterfaceError, a pool time-out;
    SQLite's "database is locked" is one too, and also worth a retry); a programming error is
    still a 500. The page is rendered without context processors, since
    they may need the database too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError, PoolTimeout)):
            return None
        if "no such table" in str(exception):  # SQLite: a database file nobody migrated yet
            logger.error("database has no tables: run `manage.py migrate` (README: make run)")
        else:
            logger.error("database unavailable: %s", type(exception).__name__)
        body = loader.get_template("503.html").render({})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response


class RequestBodyLimitMiddleware:
    """A request whose declared body is larger than REQUEST_BODY_MAX_BYTES → 413, unread.

    Django's own limits cover form fields in memory (DATA_UPLOAD_MAX_MEMORY_SIZE) but not the
    size of uploaded files, which it streams to disk; this caps the whole body before anything
    is read. The proxy (client_max_body_size) and gunicorn (limit_request_*) cap it in front,
    and catch bodies sent without a Content-Length (README, deploying).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.REQUEST_BODY_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            body = loader.get_template("413.html").render({"limit_mb": limit // (1024 * 1024)})
            response = HttpResponse(body, status=413)
            response["Connection"] = "close"  # the unread body is not worth keeping the socket
            return response
        return self.get_response(request)
