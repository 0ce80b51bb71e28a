"""/reviews/<year>.pdf: rendering, fonts, bookmarks, the background task and the cache."""

import io
import re
from unittest import mock

import pypdf
import pytest
from django.test import override_settings

from congress.models import ReviewPdf
from congress.review import pdf
from tests.factories import DeputyFactory
from tests.reviews.conftest import make_review

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _fonts(reader):
    found = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def _descriptor(font):
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


@pytest.fixture
def rendered(review):
    data, pages = pdf.render(review, "zh-hans")
    return review, data, pages, pypdf.PdfReader(io.BytesIO(data))


def test_pdf_has_cover_contents_and_several_pages(rendered):
    review, data, pages, reader = rendered
    assert data.startswith(b"%PDF")
    assert pages == len(reader.pages) > 1
    text = "".join(page.extract_text() for page in reader.pages)
    assert review.title.replace(" ", "") in text.replace(" ", "")
    assert "第1部分" in text and "代表联络站接待群众" in text


def test_pdf_prints_the_computed_figures(rendered):
    _, _, _, reader = rendered
    text = " ".join(page.extract_text() for page in reader.pages)
    # 4 deputies in office, 22 residents received, from conftest's year_data.
    assert re.search(r"(^|\D)4\s*(名|deputies)", text)
    assert re.search(r"(^|\D)22\s*(人次|person-times)", text)


def test_pdf_embeds_simplified_chinese_fonts_without_missing_glyphs(rendered):
    _, _, _, reader = rendered
    fonts = _fonts(reader)
    names = list(fonts)
    assert any(re.search(r"Noto-?Sans-?CJK", n) for n in names), names
    assert any(re.search(r"Noto-?Serif-?CJK", n) for n in names), names
    assert all("JP" not in n and "KR" not in n for n in names), names  # SC shapes, not Japanese
    for name, font in fonts.items():
        descriptor = _descriptor(font)
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name
        # A character without a glyph is mapped from code 0000 or ffff (the "tofu" box).
        cmap = font["/ToUnicode"].get_object().get_data().decode()
        chars = cmap.split("beginbfchar", 1)[-1]
        assert not re.search(r"<(0000|ffff)>\s*<", chars, re.I), name


def test_pdf_has_bookmarks_for_the_sections(rendered):
    _, _, _, reader = rendered
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any("第1部分" in title for title in titles)
    assert any("第3部分" in title for title in titles)


def test_pdf_is_served_with_a_chinese_filename(client, review):
    response = client.get("/reviews/2022.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" in disposition
    assert "%E4%B8%BA" in disposition  # 为, percent-encoded (RFC 5987)
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    row = ReviewPdf.objects.get()
    assert row.status == ReviewPdf.Status.READY and row.page_count > 1


@override_settings(TASKS=DUMMY_TASKS)
def test_pdf_not_ready_answers_202_and_enqueues_once(client, review):
    with mock.patch.object(pdf, "render") as render:
        first = client.get("/reviews/2022.pdf")
        second = client.get("/reviews/2022.pdf")
    assert first.status_code == 202 and second.status_code == 202
    assert first["Retry-After"] == "10"
    assert "text/html" in first["Content-Type"]
    render.assert_not_called()
    row = ReviewPdf.objects.get()
    assert row.status == ReviewPdf.Status.PENDING
    # The worker then renders it; the next request is served from the file.
    pdf.render_review_pdf.call(row.pk)
    assert client.get("/reviews/2022.pdf").status_code == 200


def test_cached_pdf_is_served_without_rendering(client, review):
    assert client.get("/reviews/2022.pdf").status_code == 200
    with mock.patch.object(pdf, "render") as render:
        response = client.get("/reviews/2022.pdf")
    assert response.status_code == 200
    render.assert_not_called()


def test_changed_data_or_review_renders_a_new_pdf(client, review, year_data):
    client.get("/reviews/2022.pdf")
    first = ReviewPdf.objects.get().fingerprint
    DeputyFactory(term=year_data["term"])
    client.get("/reviews/2022.pdf")
    second = ReviewPdf.objects.get()  # the old one is gone
    assert second.fingerprint != first and second.status == ReviewPdf.Status.READY
    review.title = "新标题"
    review.save()
    assert pdf.fingerprint(review, "zh-hans") != second.fingerprint


def test_a_failed_render_answers_503_and_is_not_retried_at_once(client, review):
    with mock.patch.object(pdf, "render", side_effect=RuntimeError("boom")) as render:
        first = client.get("/reviews/2022.pdf")
        second = client.get("/reviews/2022.pdf")
    assert first.status_code == 503 and second.status_code == 503
    assert "Retry-After" in first
    assert render.call_count == 1
    assert ReviewPdf.objects.get().status == ReviewPdf.Status.FAILED


def test_pdf_of_unknown_or_unpublished_year_is_404(client, year_data):
    make_review(year=2023, published=False)
    assert client.get("/reviews/2023.pdf").status_code == 404
    assert client.get("/reviews/1999.pdf").status_code == 404
