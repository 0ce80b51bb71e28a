"""Confirmed spreadsheet imports, run as background tasks, and the uploads they read.

The admin's preview keeps the uploaded file in an `UploadStore` (Redis when the site has it,
else — or while Redis cannot be reached — a private temporary folder on this server) for
`IMPORT_UPLOAD_SECONDS` at most; a refused file is never kept. On confirmation an `ImportJob` row is created and `run_import` enqueued with Django's
Tasks API (immediate in development and tests, `db_worker` in production); the clerk watches a
progress page. The task deletes the upload whatever happens, and writes one admin log entry for
the whole import.
"""

import logging
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.tasks import task
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from congress.kit.importing import ImportFileError, import_prepared, prepare
from congress.kit.pagecache import bump_generation
from congress.kit.rules import rule
from congress.kit.sharedcache import shared
from congress.kit.sheetfile import SheetFileError, read_sheets
from congress.models import ImportJob

logger = logging.getLogger(__name__)
KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")


def upload_seconds() -> int:
    return rule("IMPORT_UPLOAD_SECONDS")


class UploadStore:
    """An uploaded file between preview and confirmation, and not a minute longer than needed."""

    def __init__(self):
        self.shared_cache = bool(getattr(settings, "REDIS_URL", ""))
        self.folder = Path(tempfile.gettempdir()) / "renda-imports"

    def save(self, data: bytes) -> str:
        key = secrets.token_urlsafe(24)
        if self.shared_cache and shared.set(f"import-upload:{key}", data, upload_seconds()):
            return key
        # No Redis, or Redis unreachable just now: this server's private folder. A confirmation
        # (or a db_worker) on another server then finds nothing and says the upload has expired.
        self.folder.mkdir(mode=0o700, exist_ok=True)
        self._drop_stale()
        (self.folder / key).write_bytes(data)
        return key

    def read(self, key: str) -> bytes | None:
        if not KEY.fullmatch(key or ""):
            return None
        if self.shared_cache:
            data = shared.get(f"import-upload:{key}")
            if data is not None:
                return data
        path = self.folder / key
        if not path.exists() or time.time() - path.stat().st_mtime > upload_seconds():
            return None
        return path.read_bytes()

    def remove(self, key: str) -> None:
        if not KEY.fullmatch(key or ""):
            return
        if self.shared_cache:
            shared.delete(f"import-upload:{key}")
        (self.folder / key).unlink(missing_ok=True)

    def _drop_stale(self):
        limit = time.time() - upload_seconds()
        for path in self.folder.iterdir():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink(missing_ok=True)
            except OSError:
                pass


def progress_key(job_id: int) -> str:
    return f"import-job-progress:{job_id}"


def progress(job_id: int) -> int | None:
    """Rows read so far by a running job (from the cache; None if the cache cannot tell)."""
    return shared.get(progress_key(job_id))


def summary_message(file_name: str, counts: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Imported the file “%(file)s”: %(new)s new, %(update)s changed, %(skip)s unchanged."
        ) % {"file": file_name, **counts}


@task()
def run_import(job_id: int) -> str | None:
    """Import a confirmed upload; the job row says how it went."""

    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).first()
    if job is None:
        return None
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])
    store = UploadStore()
    try:
        data = store.read(job.upload_key)
        if data is None:
            raise ImportFileError(_("The uploaded file has expired. Upload it again."))
        resource = import_string(job.resource)()
        prepared = prepare(resource, read_sheets(data, job.file_name))
        del data
        job.total_rows = len(prepared.dataset)
        job.save(update_fields=["total_rows"])
        resource.progress = lambda done: shared.set(progress_key(job.pk), done, 3600)
        result = import_prepared(
            resource, prepared, dry_run=False, user=job.user, file=job.file_name
        )
        if result.has_errors() or result.has_validation_errors():
            raise ImportFileError(
                _("Nothing was imported: the file has errors. Upload it again to see them.")
            )
    except (SheetFileError, ImportFileError) as error:
        return _finish(job, ImportJob.Status.FAILED, message=str(error))
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        return _finish(
            job,
            ImportJob.Status.FAILED,
            message=_("Nothing was imported: an unexpected error stopped the import."),
        )
    finally:
        store.remove(job.upload_key)
        shared.delete(progress_key(job.pk))
    # Bulk writes send no signals, and a worker is outside any request: drop cached pages.
    bump_generation()
    counts = {key: result.totals.get(key, 0) for key in ("new", "update", "skip")}
    LogEntry.objects.create(
        user_id=job.user_id,
        content_type_id=job.content_type_id,
        object_repr=job.file_name[:200],
        action_flag=ADDITION if counts["new"] else CHANGE,
        change_message=summary_message(job.file_name, counts),
    )
    extra = resource.result_extra()
    if extra:  # what the register's own checks found, shown on the job's page
        counts["extra"] = extra
    return _finish(job, ImportJob.Status.DONE, counts=counts)


def _finish(job, status, message="", counts=None):
    job.status, job.message, job.finished_at = status, message, timezone.now()
    job.counts = counts or {}
    job.save(update_fields=["status", "message", "finished_at", "counts"])
    return status
