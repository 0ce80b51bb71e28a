"""gunicorn settings: `gunicorn congress.wsgi` reads this file from the working directory.

Every value can be overridden with GUNICORN_* environment variables below or gunicorn's own
command-line flags.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the app is CPU-light and the pool keeps each worker's connections warm.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that slow leaks never accumulate.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The access log shows paths but not query strings or bodies: no resident's data reaches it.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request line and headers are capped here; the body by the proxy (client_max_body_size) and by
# the app (REQUEST_BODY_MAX_MB → 413). gunicorn's defaults, stated so that they are reviewed.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
