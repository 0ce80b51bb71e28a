"""Settings, read from the environment.

Every variable is listed in README.md ("Configuration"). With none set the site runs on an
embedded SQLite file in debug mode, which is what `make run` wants on a fresh machine.
"""

import os
from pathlib import Path
from typing import Any

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
    # First: an oversized body is refused before anything reads it.
    "congress.kit.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "congress.kit.pagecache.PageCacheMiddleware",
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
    "congress.kit.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The largest request body the app accepts (a suggestion with several attachments fits);
# larger ones get a 413 page before they are read. Form fields held in memory are capped lower.
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_MB", "50")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, stated: fields other than files
DATA_UPLOAD_MAX_NUMBER_FILES = 20

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
        "DATABASE_PREPARED", default=True
    ):
        # Parameters travel apart from the SQL text (server-side binding), so psycopg 3 can
        # prepare a statement a connection has run PREPARE_THRESHOLD times: PostgreSQL then
        # skips parsing and, once its plan cache finds a generic plan as good, planning.
        # Planning was most of a short query's time (1.0 of 1.4 ms for a station's people);
        # on the ten-times bench a station page's SQL went from 4.0 to 1.9 ms.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True,
            prepare_threshold=int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")),
        )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_POOL", default=True
    ):
        # psycopg 3's pool: connections are reused across requests within a worker. Each is
        # checked before a request gets it (CONN_HEALTH_CHECKS: an empty query, ~0.05 ms): after
        # PostgreSQL restarts, a dead pooled connection is replaced instead of answering 503.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
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
# Seals the ballots waiting in a poll's pool (supervision/ballot_seal.py); empty: derived from
# SECRET_KEY. Kept out of the database and its backups; never change it while a poll is open
# (the old value can go in BALLOT_SEAL_KEY_FALLBACKS, comma-separated).
BALLOT_SEAL_KEY = os.environ.get("BALLOT_SEAL_KEY", "")
BALLOT_SEAL_KEY_FALLBACKS = [
    k for k in os.environ.get("BALLOT_SEAL_KEY_FALLBACKS", "").split(",") if k.strip()
]
if REDIS_URL:
    # The cache is optional at run time (congress/kit/sharedcache.py): short socket time-outs, so
    # an unreachable Redis costs a fraction of a second, then is left alone for a few seconds.
    _CACHE_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.5"))
    CACHES = {
        "default": {
            "BACKEND": "congress.kit.rediscache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "renda",
            "OPTIONS": {
                "socket_connect_timeout": _CACHE_TIMEOUT,
                "socket_timeout": _CACHE_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The database store with its read written as SQL (congress/kit/sessions.py).
SESSION_ENGINE = "congress.kit.sessions"
# After a failed call the shared cache is not tried again for this many seconds (per worker).
CACHE_RETRY_SECONDS = 5

# Whole public pages are cached for visitors without cookies and dropped on any write
# (congress/kit/pagecache.py). It needs a cache every app server shares, so it is on with Redis.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300" if REDIS_URL else "0"))
# At most this many query strings of one page are stored per data generation.
PAGE_CACHE_VARIANTS = 200

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that reads the user with their deputy in one query (deputies/auth.py).
    "deputies.auth.WorkspaceBackend",
    # Only for sessions logged in before WorkspaceBackend (a session names its backend, and
    # Django ends it when that backend is no longer listed); it never checks a password
    # (WorkspaceBackend stops the chain). Remove once SESSION_COOKIE_AGE has passed.
    "django.contrib.auth.backends.ModelBackend",
]
# The reverse proxies in front of the app (addresses or networks, e.g. "10.0.0.5,10.1.0.0/16").
# Only a request from one of them has its X-Forwarded-For read (from the right, skipping these);
# any other peer is its own REMOTE_ADDR. One definition for the whole site: every rate limit
# and django-axes use congress.kit.ratelimit.client_address. Behind a proxy and without this
# setting every resident shares the proxy's address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Login throttling (django-axes): after 5 failures for one user name from one address, that
# pair is locked for 15 minutes (others, and the same user from another address, still log
# in); and an address with 30 failures across any accounts in that time is locked for every
# account (congress.kit.loginguard). The lockout page says so. Attempts are kept in the database,
# so several app servers share them, and the locks hold with the cache down.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "30"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "congress.kit.loginguard.LoginGuardHandler"
AXES_CLIENT_IP_CALLABLE = "congress.kit.ratelimit.axes_client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
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
            else "congress.kit.staticstorage.ManifestStaticStorage"  # whitenoise's, URLs kept
        )
    },
}

# Mail: printed to the console in a debug run without EMAIL_HOST; otherwise SMTP (localhost:25
# by default, the usual relay on a server).
if DEBUG and not os.environ.get("EMAIL_HOST"):
    MAILERS: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }
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
    # Cookies travel over https only. A plain-http intranet test server turns this off
    # (DJANGO_SECURE_COOKIES=0, with DJANGO_SECURE_SSL_REDIRECT=0), or no login would stick.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)

# Procedural rules that differ between congresses (domain.md): every deadline, threshold and
# limit lives here, never as a constant in code. A deployment overrides them in its settings.
CONGRESS_RULES = {
    # Suggestions (domain.md §2)
    "SUGGESTION_REPLY_MONTHS": 3,  # reply within 3 months of assignment
    "SUGGESTION_EXTENDED_REPLY_MONTHS": 6,  # at most 6 months with an approved extension
    "RETURN_REQUEST_WORKING_DAYS": 7,  # a unit may send an item back within 7 working days
    "BETWEEN_SESSION_ASSIGN_WORKING_DAYS": 5,
    "REHANDLE_MONTHS": 1,  # re-handling after an unsatisfied rating
    "CO_HANDLER_VIEWS_MONTHS": 1,  # co-handlers send their written views within 1 month
    # The lead's reply waits until every co-handler's view is in (domain.md §2.2: "the lead then
    # replies … and reports what the co-handlers said"); False lets the lead reply without them.
    "REPLY_NEEDS_CO_HANDLER_VIEWS": True,
    # The lead unit's reply (not a follow-up) is refused until the lead deputy has confirmed at
    # least one contact (面商, issue 16). Off by default: the law's 3-month reply deadline must not
    # wait on a deputy's tap, and Zhejiang enforces 面商 through the 面商率 it reports rather than
    # by stopping replies; the contact figures show a unit that skips the meeting. A congress that
    # returns replies sent without contact (domain.md §2.5) turns it on.
    "REPLY_NEEDS_CONFIRMED_CONTACT": False,
    # Reminders (manage.py send_reminders): this many working days before a deadline, and once
    # on the first day it is missed.
    "REMINDER_WORKING_DAYS_BEFORE": 5,
    # A class B reply's promised completion date (issue 16): the lead unit's clerks are reminded
    # once this many working days before it, while the unit has not reported the item done.
    "PROMISE_REMINDER_WORKING_DAYS": 10,
    # Text messages (congress/notices/delivery.py): none between these local times — they wait
    # for the morning (e-mail and the inbox do not); None texts at any hour. A text is tried
    # this many times before e-mail is sent instead.
    "SMS_QUIET_HOURS": ("22:00", "08:00"),
    # A signer who has not rated the unit's reply this many working days after it is reminded.
    "RATING_REMINDER_WORKING_DAYS": 10,
    "SMS_TRIES": 3,
    # A short link a text carries (/n/<code>/) opens its action for this many days after it was
    # sent; later it answers 404 (a text forwarded or a phone lost does not open it forever).
    "SHORT_LINK_DAYS": 60,
    # The office decides within this many working days: on a 不满意 (re-handle or close), and on a
    # unit's request to send an item back or for more time (the clocks staff are reminded of).
    "OFFICE_DECISION_WORKING_DAYS": 5,
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
    # A deputy asked to co-sign answers within this many working days (shown on their overview).
    "SIGNATURE_ANSWER_WORKING_DAYS": 3,
    # Supervision (domain.md §7)
    "REVIEW_OPINION_REPORT_MONTHS": 2,
    # Major government investment projects above this many yuan go to a vote (domain.md §4).
    "MAJOR_PROJECT_VOTE_THRESHOLD_YUAN": 200_000_000,
    # B and C replies ("being solved", "planned") stay tracked with follow-up replies.
    "TRACKED_REPLY_CLASSES": ["B", "C"],
    # A reply of these classes promises the date the matter will be done (B: 列入计划解决); its
    # follow-ups report progress until one of a solved class reports it done (issue 16).
    "PROMISED_DATE_REPLY_CLASSES": ["B"],
    # A reply of these classes gives the reasons the matter cannot be solved now (C: 留作参考).
    "REASONED_REPLY_CLASSES": ["C"],
    # The class that means solved or adopted: the solved rates count it.
    "SOLVED_REPLY_CLASSES": ["A"],
    # The year-end roll-over (回头看台账, `manage.py roll_over_unsolved <year>`): items whose first
    # reply is of these classes and that no solved reply followed by 31 December are carried into
    # the next year's ledger (domain.md §2.6: planned-but-unsolved items roll into the next year).
    # C (留作参考) is left out: its reply already says why it cannot be solved now; a congress
    # that follows those up too adds "C".
    "CARRY_OVER_REPLY_CLASSES": ["B"],
    # Also carry an unsolved item whose lead deputy's latest rating of the result, by 31
    # December, was 不满意 (domain.md §2.6: the look-back covers items rated unsatisfied).
    "CARRY_OVER_UNSATISFIED": True,
    "SUPERVISION_DOCUMENT_MAX_BYTES": 20 * 1024 * 1024,
    # Filing review of normative documents (备案审查): filed within 30 days of publication; the
    # organ answers a written inquiry and corrects after a review opinion within these working days.
    "FILING_DEADLINE_DAYS": 30,
    "FILING_INQUIRY_ANSWER_WORKING_DAYS": 15,
    "BUDGET_INQUIRY_ANSWER_WORKING_DAYS": 15,  # a department answers a budget inquiry (函询)
    # The unit (Organisation name) that answers budget inquiries on debt and deputies' questions
    # on the draft budget: its clerks answer in their own login.
    "BUDGET_FINANCE_BUREAU": "市财政局",
    "FILING_CORRECTION_WORKING_DAYS": 40,
    # The office answers a resident's suggestion that a document be reviewed within this many
    # working days (accepted, added to a review under way, or not within remit, with reasons).
    "FILING_SUGGESTION_ANSWER_WORKING_DAYS": 15,
    # Past this many suggestions an hour from one address, the public form asks a small question.
    "FILING_SUGGESTION_RATE_PER_ADDRESS": 5,
    "FILING_SUGGESTION_RATE_SECONDS": 3600,
    # Secret ballots: electronic ballots are written in shuffled batches of at least this many
    # (or the whole roll, when it is smaller), so that no copy of the database links a ballot to
    # its voter within fewer voters (README, "How the secret ballot stays secret").
    "BALLOT_ANONYMITY_SET": 20,
    # The admin's "view on site" shortcut, per user (congress/kit/view_on_site.py).
    "VIEW_ON_SITE_RATE_PER_USER": 60,
    "VIEW_ON_SITE_RATE_SECONDS": 600,
    # Residents' opinions (domain.md §5)
    "OPINION_PHOTO_MAX_BYTES": 5 * 1024 * 1024,
    "OPINION_MAX_PHOTOS": 3,
    # Larger pictures are refused from their header, before anything is decoded: a 150 KB PNG
    # can unpack to 120 MB. 25 million pixels is more than any phone camera takes.
    "OPINION_PHOTO_MAX_PIXELS": 25_000_000,
    "OPINION_REPLY_DAYS": 15,  # a routed opinion's unit answers within this many days
    # Anonymous forms are rate-limited per client address and per station (a 429 page beyond).
    "OPINION_RATE_PER_ADDRESS": 5,
    "OPINION_RATE_PER_ADDRESS_SECONDS": 600,
    "OPINION_RATE_PER_STATION": 60,
    "OPINION_RATE_PER_STATION_SECONDS": 3600,
    # Beyond the per-address or per-station count the form asks a simple question a person
    # answers (congress/kit/challenge.py) instead of refusing; beyond this many posts from one
    # address in the window it refuses, keeping what was typed.
    "OPINION_RATE_PER_ADDRESS_HARD": 30,
    # A reception session (接待日) lifts the per-address limit for its station this long.
    "RECEPTION_SESSION_HOURS": 4,
    "OPINION_TRACK_RATE_PER_ADDRESS": 30,
    "OPINION_TRACK_RATE_SECONDS": 600,
    # The header the trusted proxies (TRUSTED_PROXIES) put the client's address in; empty means
    # X-Forwarded-For. Read only on requests that come from a trusted proxy.
    "CLIENT_IP_HEADER": os.environ.get("CLIENT_IP_HEADER", ""),
    # Spreadsheet imports (congress/kit/sheetfile.py): files over these limits are refused before
    # they are parsed; the upload waits for the clerk's confirmation this long at most.
    "IMPORT_MAX_UPLOAD_BYTES": 20 * 1024 * 1024,
    "IMPORT_MAX_UNPACKED_BYTES": 100 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 20000,
    "IMPORT_UPLOAD_SECONDS": 3600,
    "IMPORT_MAX_CELLS": 1_000_000,
}

# Notification channels (congress/kit/notify.py): each sends a notice to a user its own way, as the
# person chose for the kind of event (the inbox always has it). Texts go through SMS_BACKEND:
# printed to the console by default, Alibaba Cloud SMS in production (congress/notices/sms.py).
NOTIFY_CHANNELS = ["congress.kit.notify.EmailChannel", "congress.kit.notify.SmsChannel"]
SMS_BACKEND = os.environ.get("SMS_BACKEND", "congress.notices.sms.ConsoleBackend")
SMS_ALIYUN = {
    "ACCESS_KEY_ID": os.environ.get("SMS_ACCESS_KEY_ID", ""),
    "ACCESS_KEY_SECRET": os.environ.get("SMS_ACCESS_KEY_SECRET", ""),
    "SIGN_NAME": os.environ.get("SMS_SIGN_NAME", ""),
    "ENDPOINT": os.environ.get("SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com"),
    "REGION": os.environ.get("SMS_REGION", "cn-hangzhou"),
    "TIMEOUT": float(os.environ.get("SMS_TIMEOUT", "5")),
    # SMS_TEMPLATE_REPLY_PUBLISHED=SMS_123456789 …: one template code per event (events.py).
    "TEMPLATES": {
        name.removeprefix("SMS_TEMPLATE_").lower(): value
        for name, value in os.environ.items()
        if name.startswith("SMS_TEMPLATE_") and value
    },
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
        # Django's task framework logs two INFO lines for every task it runs (a summary refresh
        # after each write, each notice sent); a failed task still logs at ERROR.
        "django.tasks": {"level": "WARNING"},
    },
}

ADMIN_SITE_HEADER = _("Pinghu People's Congress Standing Committee — back office")
