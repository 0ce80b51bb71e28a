"""Settings for the test suite: fast hashing, in-memory cache and mail, plain static files."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-secret-key-for-the-suite-only-0123456789abcdefghij"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from congress.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True  # serve static/ directly: the suite never runs collectstatic
SMS_BACKEND = "congress.notices.sms.LocmemBackend"  # texts kept in congress.notices.sms.outbox
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PAGE_CACHE_SECONDS = 0  # tests that need the page cache turn it on themselves
