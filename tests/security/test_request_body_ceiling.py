"""Sending bodies far larger than any form needs: refused with a 413 page before being read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Suggestion

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"


def test_an_oversized_upload_gets_a_chinese_413_and_nothing_is_written(
    client, lead, category, session, settings
):
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    client.force_login(lead.user)
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (1024 * 1024 + 1), "application/pdf")
    response = client.post(
        "/portal/suggestions/new/",
        {
            "title": "关于加快农村道路亮化设施建设的建议",
            "category": category.pk,
            "session": session.pk,
            "body": "农村道路夜间照明不足。",
            "attachments": [big],
        },
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "提交的内容过大" in page and "1MB" in page
    assert not Suggestion.objects.exists()


def test_a_declared_length_over_the_ceiling_is_refused_even_for_anonymous_forms(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    response = client.post(
        "/opinions/new/?station=1",
        data=b"x=1",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_the_default_ceiling_leaves_room_for_a_suggestion_with_its_attachments(settings):
    from proposals.forms import MAX_ATTACHMENTS

    assert settings.REQUEST_BODY_MAX_BYTES >= 5 * settings.CONGRESS_RULES["ATTACHMENT_MAX_BYTES"]
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES >= MAX_ATTACHMENTS
