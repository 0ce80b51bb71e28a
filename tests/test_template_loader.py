"""Templates are compiled once per process: the settings leave the loaders to Django, which then
wraps them in the cached loader (a page would otherwise re-read and re-parse base.html and every
include on each request). Also the links the site fills in without walking the URL patterns
(the header's, rows' links in lists) equal what Django's reverse gives."""

import pytest
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.urls import reverse
from django.utils import translation

from congress import settings as site_settings
from congress.kit.urls import reverse_id


def test_the_site_settings_name_no_loaders_so_django_caches_templates():
    assert "loaders" not in site_settings.TEMPLATES[0]["OPTIONS"]
    loaders = engines["django"].engine.template_loaders  # type: ignore[attr-defined]
    assert [type(loader) for loader in loaders] == [CachedLoader]


@pytest.mark.django_db
def test_the_header_and_footer_links_follow_the_language(client):
    """The links are reversed once per language and kept: each language keeps its own."""
    for language, page in (("zh-hans", "/deputies/"), ("en", "/en/deputies/"), ("zh-hans", "/")):
        html = client.get(page).content.decode()
        with translation.override(language):
            for name in ("suggestions:list", "opendata:index", "opinions:start", "login"):
                assert f'href="{reverse(name)}"' in html, (page, name)


@pytest.mark.parametrize(
    "name", ["deputies:detail", "deputies:station_detail", "suggestions:detail"]
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_row_links_are_the_reversed_urls(name, language):
    """Rows' links are filled into a URL reversed once; they equal Django's reverse."""
    with translation.override(language):
        for pk in (1, 42, 918273645, 2**31 - 1):
            assert reverse_id(name, pk) == reverse(name, args=[pk])
