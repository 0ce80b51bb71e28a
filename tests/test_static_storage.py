"""Production's static storage gives each file's hashed URL, as whitenoise's manifest storage
does, and works it out once per name (the admin's yes/no icons asked a thousand times a page)."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from congress.kit.staticstorage import ManifestStaticStorage


@pytest.fixture
def manifest(tmp_path):
    paths = {
        "css/site.css": "css/site.0123abcd.css",
        "admin/img/icon-yes.svg": "admin/img/icon-yes.89ab.svg",
    }
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": paths, "version": "1.1", "hash": "0"})
    )
    return tmp_path


def test_urls_are_the_manifest_storages_and_kept(manifest, monkeypatch):
    ours = ManifestStaticStorage(location=manifest, base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=manifest, base_url="/static/")
    for name in ("css/site.css", "admin/img/icon-yes.svg", "css/site.css?v=1#top"):
        assert ours.url(name) == theirs.url(name)
    assert ours.url("css/site.css") == "/static/css/site.0123abcd.css"
    # Worked out once: a second call does not ask the manifest again.
    monkeypatch.setattr(ours, "stored_name", lambda name: pytest.fail("asked again"))
    assert ours.url("admin/img/icon-yes.svg") == "/static/admin/img/icon-yes.89ab.svg"


def test_a_file_missing_from_the_manifest_is_still_an_error(manifest):
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        ManifestStaticStorage(location=manifest, base_url="/static/").url("css/gone.css")
