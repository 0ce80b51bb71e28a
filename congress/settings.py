"""Settings, read from the environment.

Every variable is listed in README.md ("Configuration"). With none set the site runs on an
embedded SQLite file in debug mode, which is what `make run` wants on a fresh machine.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=True)

# The fallback key only ever serves a local debug run; production refuses to start without one.
_DEV_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public address printed in QR codes and posters; without it links follow the request's host.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "axes",
    "django_tasks_db",
    "simple_history",
    "congress",
    "deputies",
    "proposals",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "congress.pagecache.PageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change kept by django-simple-history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "congress.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congress.urls"
WSGI_APPLICATION = "congress.wsgi.application"
ASGI_APPLICATION = "congress.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite file unless DATABASE_URL names a PostgreSQL server.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_POOL", default=True
    ):
        # psycopg 3's pool: connections are reused across requests within a worker.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
            "timeout": 10,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "renda",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Whole public pages are cached for visitors without cookies and dropped on any write
# (congress/pagecache.py). It needs a cache every app server shares, so it is on with Redis.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300" if REDIS_URL else "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after 5 failures for one user name from one address, that
# pair is locked for 15 minutes; the lockout page says so. Attempts are kept in the database,
# so several app servers share them.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind a reverse proxy, the client address comes from X-Forwarded-For (set AXES_IPWARE_* then).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Internationalisation: Chinese is the source of truth for users; English lives under /en/.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Mail: printed to the console in a debug run without EMAIL_HOST; otherwise SMTP (localhost:25
# by default, the usual relay on a server).
if DEBUG and not os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@renda.local")

# Background work (PDF rendering): run at once in a debug run; in production set
# TASKS_BACKEND=database and run `manage.py db_worker` beside gunicorn (django-tasks-db).
if os.environ.get("TASKS_BACKEND", "immediate") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Security headers. The site needs no inline script or style, so the policy allows none.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Procedural rules that differ between congresses (domain.md): every deadline, threshold and
# limit lives here, never as a constant in code. A deployment overrides them in its settings.
CONGRESS_RULES = {
    # Suggestions (domain.md §2)
    "SUGGESTION_REPLY_MONTHS": 3,  # reply within 3 months of assignment
    "SUGGESTION_EXTENDED_REPLY_MONTHS": 6,  # at most 6 months with an approved extension
    "RETURN_REQUEST_WORKING_DAYS": 7,  # a unit may send an item back within 7 working days
    "BETWEEN_SESSION_ASSIGN_WORKING_DAYS": 5,
    "REHANDLE_MONTHS": 1,  # re-handling after an unsatisfied rating
    "CO_HANDLER_VIEWS_MONTHS": 1,
    "REPLY_PUBLISH_WORKING_DAYS": 20,
    # The reply classes printed on a unit's letter (Zhejiang's A/B/C scheme; some places use four).
    "REPLY_CLASSES": [
        ("A", _("A: solved or adopted")),
        ("B", _("B: in the plan to be solved")),
        ("C", _("C: kept for reference, with the reasons explained")),
    ],
    "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    # Motions (domain.md §3): at county level and above, 10 or more deputies jointly.
    "MOTION_MIN_SIGNERS": 10,
    # Supervision (domain.md §7)
    "REVIEW_OPINION_REPORT_MONTHS": 2,
    # Major government investment projects above this many yuan go to a vote (domain.md §4).
    "MAJOR_PROJECT_VOTE_THRESHOLD_YUAN": 200_000_000,
    # B and C replies ("being solved", "planned") stay tracked with follow-up replies.
    "TRACKED_REPLY_CLASSES": ["B", "C"],
    "SUPERVISION_DOCUMENT_MAX_BYTES": 20 * 1024 * 1024,
    # Residents' opinions (domain.md §5)
    "OPINION_PHOTO_MAX_BYTES": 5 * 1024 * 1024,
    "OPINION_MAX_PHOTOS": 3,
    "OPINION_REPLY_DAYS": 15,  # a routed opinion's unit answers within this many days
    # Anonymous forms are rate-limited per client address and per station (a 429 page beyond).
    "OPINION_RATE_PER_ADDRESS": 5,
    "OPINION_RATE_PER_ADDRESS_SECONDS": 600,
    "OPINION_RATE_PER_STATION": 60,
    "OPINION_RATE_PER_STATION_SECONDS": 3600,
    "OPINION_TRACK_RATE_PER_ADDRESS": 30,
    "OPINION_TRACK_RATE_SECONDS": 600,
    # Behind a reverse proxy the client address is in a header the proxy sets, e.g.
    # "HTTP_X_FORWARDED_FOR" (its right-most entry is used); empty: REMOTE_ADDR.
    "CLIENT_IP_HEADER": os.environ.get("CLIENT_IP_HEADER", ""),
    # Spreadsheet imports (congress/sheetfile.py): files over these limits are refused before
    # they are parsed; the upload waits for the clerk's confirmation this long at most.
    "IMPORT_MAX_UPLOAD_BYTES": 20 * 1024 * 1024,
    "IMPORT_MAX_UNPACKED_BYTES": 100 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 20000,
    "IMPORT_UPLOAD_SECONDS": 3600,
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
# The import preview and its confirmation are two requests that may reach different app
# servers: with Redis (the multi-server set-up) the uploaded file waits in the shared cache.
if REDIS_URL:
    IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# A cell that starts with = + - @ is run as a formula by spreadsheet programs: neutralise it.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies are never logged; keep the server's access noise down.
        "django.server": {"level": "WARNING"},
        # WeasyPrint narrates every step of a render at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

ADMIN_SITE_HEADER = _("Pinghu People's Congress Standing Committee — back office")
