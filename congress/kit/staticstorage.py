"""The static files' storage in production: whitenoise's compressed manifest storage, with each
file's URL kept once worked out.

A static file's URL is fixed while the process runs (the manifest is read at start-up), but the
manifest storage works it out again on every `{% static %}`: the base template asks for three,
the admin's change lists one a yes/no cell (an icon each), a thousand a page of 50 rows.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

_KEPT_AT_MOST = 4096  # names a process keeps; the site has a few hundred files


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc] # untyped
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or settings.DEBUG or name is None:
            return str(super().url(name, force))
        try:
            return self._urls[name]
        except KeyError:
            url = str(super().url(name))
            if len(self._urls) < _KEPT_AT_MOST:
                self._urls[name] = url
            return url
