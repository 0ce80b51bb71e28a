"""/reviews/, /reviews/<year>/ and the staff preview."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from congress.kit import summaries
from congress.models import AnnualReview, ReviewSection
from congress.review import admin as review_admin  # noqa: F401  (registers the admin until congress/admin.py does)
from congress.review import registry
from congress.review.registry import figure
from tests.factories import UserFactory
from tests.reviews.conftest import make_review

pytestmark = pytest.mark.django_db


def test_list_shows_published_reviews_only(client, year_data):
    make_review(year=2022, title="二〇二二年回眸")
    make_review(year=2023, title="二〇二三年草稿", published=False)
    response = client.get("/reviews/")
    assert response.status_code == 200
    assert "二〇二二年回眸" in response.text
    assert "二〇二三年草稿" not in response.text


def test_page_shows_sections_figures_definitions_and_charts(client, review):
    response = client.get("/reviews/2022/")
    assert response.status_code == 200
    body = response.text
    assert review.title in body
    assert body.count('class="review-section"') == 3
    assert 'href="#section-1"' in body  # contents
    assert "<strong>倾听</strong>" in body
    assert '<span class="figure">4<' in body  # deputies in office
    assert "截至年末代表资格未终止" in body  # the figure's definition, in Chinese
    assert "<svg" in body and "<desc" in body and '<table class="data">' in body
    assert "style=" not in body.split("<main", 1)[1]
    assert "/reviews/2022.pdf" in body


def test_unknown_year_and_unpublished_review_are_404(client, year_data):
    make_review(year=2023, published=False)
    assert client.get("/reviews/2021/").status_code == 404
    assert client.get("/reviews/2023/").status_code == 404
    assert client.get("/reviews/2023.pdf").status_code == 404
    assert client.get("/reviews/2023/preview/").status_code == 404


def test_a_published_review_without_sections_shows_its_cover(client, year_data):
    make_review(sections=0, title="只有封面的回眸")
    response = client.get("/en/reviews/2022/")
    assert response.status_code == 200
    assert "只有封面的回眸" in response.text
    assert "This review has no sections yet." in response.text


def test_preview_is_for_staff_only(staff_client, year_data):
    make_review(year=2023, published=False, title="未发布的回眸")
    assert Client().get("/reviews/2023/preview/").status_code == 404
    resident = Client()
    resident.force_login(UserFactory())
    assert resident.get("/reviews/2023/preview/").status_code == 404
    response = staff_client.get("/reviews/2023/preview/")
    assert response.status_code == 200
    assert "未发布的回眸" in response.text
    assert "preview-banner" in response.text


def test_unregistered_key_is_left_out_for_the_public_and_flagged_for_staff(staff_client, year_data):
    make_review(keys="deputies.count, future.not_registered")
    public = Client().get("/reviews/2022/").text
    assert "future.not_registered" not in public
    staff = staff_client.get("/reviews/2022/").text
    assert "<code>future.not_registered</code>" in staff
    assert "—" in staff


def test_query_count_does_not_grow_with_sections(client, year_data, count_queries):
    make_review(year=2022, sections=3)
    make_review(year=2021, sections=12)
    # The slice no year owns (the stations' count) is computed by whichever page reads it first.
    summaries.read("directory", [summaries.TIMELESS])
    few, many = count_queries(client, "/reviews/2022/"), count_queries(client, "/reviews/2021/")
    # The review with its sections (one query), every summary's row of the year (one), then
    # the slices this fixture left stale (computed by this reader), each counted once however
    # many sections cite it.
    assert few == many
    assert many <= 20  # room for a few more figures, not for a query per section


def test_page_in_english(client, review):
    assert "截至年末代表资格未终止" in client.get("/reviews/2022/").text  # Chinese first
    response = client.get("/en/reviews/2022/")
    assert response.status_code == 200
    assert "Contents" in response.text
    # the figures' labels and definitions in the page's language, not the one shown before
    assert "Deputies in office" in response.text and "截至年末" not in response.text


def test_admin_change_page_has_a_preview_link_and_warns_of_unknown_keys(staff_client, review):
    response = staff_client.get(f"/admin/congress/annualreview/{review.pk}/change/")
    assert response.status_code == 200
    assert "/reviews/2022/preview/" in response.text
    assert "deputies.count" in response.text  # the list of available keys
    data = {
        "year": 2022,
        "title": review.title,
        "subtitle": "",
        "lead": "",
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
    }
    # The existing sections are part of the formset too.
    data["sections-TOTAL_FORMS"] = review.sections.count() + 1
    data["sections-INITIAL_FORMS"] = review.sections.count()
    for i, section in enumerate(review.sections.all()):
        data.update(
            {
                f"sections-{i}-id": section.pk,
                f"sections-{i}-review": review.pk,
                f"sections-{i}-order": section.order,
                f"sections-{i}-heading": section.heading,
                f"sections-{i}-narrative": section.narrative,
                f"sections-{i}-figure_keys": section.figure_keys,
                f"sections-{i}-photo_alt": "",
                f"sections-{i}-photo_caption": "",
            }
        )
    n = review.sections.count()
    data.update(
        {
            f"sections-{n}-order": 9,
            f"sections-{n}-heading": "新增部分",
            f"sections-{n}-narrative": "正文",
            f"sections-{n}-figure_keys": "deputies.count, future.not_registered",
            f"sections-{n}-photo_alt": "",
            f"sections-{n}-photo_caption": "",
        }
    )
    response = staff_client.post(f"/admin/congress/annualreview/{review.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert ReviewSection.objects.filter(review=review, heading="新增部分").exists()
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("future.not_registered" in m for m in warnings)


def test_admin_publish_action_uses_the_service(staff_client, year_data):
    draft = make_review(year=2023, published=False)
    response = staff_client.post(
        "/admin/congress/annualreview/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published and draft.published_on is not None
    assert AnnualReview.objects.published().count() == 1


def test_sections_show_their_photo_caption_and_headings_escaped(client, year_data):
    review = make_review(sections=2)
    ReviewSection.objects.filter(review=review, order=0).update(
        heading="<b>联络站</b> & 代表",
        photo="reviews/photos/station.jpg",
        photo_alt='代表在"家"接待群众',
        photo_caption="<i>新埭镇</i>联络站",
    )
    body = client.get("/reviews/2022/").text
    assert body.count('class="review-section"') == 2 and body.count("review-photo") == 1
    assert 'src="/media/reviews/photos/station.jpg"' in body
    assert 'alt="代表在&quot;家&quot;接待群众"' in body
    assert "&lt;i&gt;新埭镇&lt;/i&gt;联络站</figcaption>" in body
    # the heading, escaped, in the contents and over its section
    assert body.count("&lt;b&gt;联络站&lt;/b&gt; &amp; 代表") == 2 and "<b>联络站" not in body


def test_a_review_without_sections_is_read_in_one_query(client, year_data, count_queries):
    make_review(sections=0)
    # 2 queries: the review (with its sections, none here) and the summaries' rows of the year.
    assert count_queries(client, "/reviews/2022/") == 2


def test_remembered_figure_markup_follows_the_values_and_the_registry(client, year_data):
    """A section's figures markup is remembered per process (congress.review.building): a new
    value, or a key registered again with other texts, draws it anew."""
    make_review(keys="testpage.answer")
    answer = {"value": 41}

    @figure("testpage.answer", label="旧标签", definition="定义。")
    def first(year):
        return answer["value"]

    try:
        assert '<span class="figure">41<' in client.get("/reviews/2022/").text
        answer["value"] = 42
        body = client.get("/reviews/2022/").text
        assert '<span class="figure">42<' in body and "旧标签" in body
        registry.unregister("testpage.answer")

        @figure("testpage.answer", label="新标签", definition="定义。")
        def second(year):
            return answer["value"]

        body = client.get("/reviews/2022/").text
        assert "新标签" in body and "旧标签" not in body
    finally:
        registry.unregister("testpage.answer")
