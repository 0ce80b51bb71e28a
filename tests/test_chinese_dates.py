"""Dates on Chinese pages read as officials write them (2022年6月10日), never 2022-06-10.

The home page's latest replies and a suggestion's reply said "2022-06-10" while the rest of the
site said "2022年6月10日": every visible date goes through the locale's DATE_FORMAT.
"""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import ReplyFactory

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_a_reply_date_is_written_in_chinese_on_the_home_page_and_the_suggestion(client):
    reply = ReplyFactory(published_at=timezone.now())
    reply.suggestion.is_public = True
    reply.suggestion.save()
    for url in ("/", reply.suggestion.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "2022年6月10日" in page, url
        assert "2022-06-10" not in page, url


def test_no_template_writes_a_date_as_numbers_with_dashes():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(r'\|date:"Y-m-d[^"]*"', path.read_text())
    ]
    assert not found, found
