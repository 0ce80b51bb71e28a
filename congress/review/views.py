"""Public pages of the annual work reviews, the staff preview and the PDF."""

from django.db import connection
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from congress.kit.pagecache import cached_page
from congress.models import AnnualReview, ReviewPdf, ReviewSection
from congress.review import pdf
from congress.review.building import build

PDF_RETRY_SECONDS = 10


@require_safe
@cached_page(depends=["reviews"])
def review_list(request):
    reviews = AnnualReview.objects.published().only(
        "year", "title", "subtitle", "lead", "published_on"
    )
    return render(request, "reviews/review_list.html", {"reviews": reviews})


# The review and its sections in one query. Written as SQL: through the ORM (select_related,
# a second query for a review without sections) the query took longer to build than to run.
# The columns are the ones the page shows (the admin's dates are not read).
PUBLISHED_REVIEW_SQL = """
SELECT r.id, r.title, r.subtitle, r.lead, r.published_on,
       s.id, s."order", s.heading, s.narrative, s.photo, s.photo_alt, s.photo_caption,
       s.figure_keys
FROM congress_annualreview r
LEFT JOIN congress_reviewsection s ON s.review_id = r.id
WHERE r.year = %s AND r.published
ORDER BY s."order", s.id
"""


def _published_review(year: int) -> tuple[AnnualReview, list[ReviewSection]]:
    """The published review of `year` and its sections in order (PUBLISHED_REVIEW_SQL); 404 if
    there is none."""
    with connection.cursor() as cursor:
        cursor.execute(PUBLISHED_REVIEW_SQL, [year])
        rows = cursor.fetchall()
    if not rows:
        raise Http404
    review_id, title, subtitle, lead, published_on = rows[0][:5]
    review = AnnualReview(
        id=review_id, year=year, title=title, subtitle=subtitle, lead=lead, published=True,
        published_on=published_on,
    )  # fmt: skip
    sections = [
        ReviewSection(
            id=section_id,
            review=review,
            order=order,
            heading=heading,
            narrative=narrative,
            photo=photo,
            photo_alt=photo_alt,
            photo_caption=photo_caption,
            figure_keys=keys,
        )  # fmt: skip
        for (
            *_review,
            section_id,
            order,
            heading,
            narrative,
            photo,
            photo_alt,
            photo_caption,
            keys,
        ) in rows  # fmt: skip
        if section_id is not None
    ]
    return review, sections


@require_safe
@cached_page(depends=["reviews", "reviews:{year}"])
def review_detail(request, year: int):
    review, sections = _published_review(year)
    context = build(review, staff=request.user.is_staff, sections=sections)
    return render(request, "reviews/review_detail.html", context)


@require_safe
def review_preview(request, year: int):
    """Staff who may read reviews in the admin see one as the public will, published or not.

    Anyone else — a unit clerk or any staff login without the review's view or change
    permission — gets the same 404 as a stranger: an unpublished review is not yet public.
    """
    user = request.user
    if not (
        user.is_active
        and user.is_staff
        and (
            user.has_perm("congress.view_annualreview")
            or user.has_perm("congress.change_annualreview")
        )
    ):
        raise Http404
    review = get_object_or_404(AnnualReview, year=year)
    context = build(review, staff=True)
    context["preview"] = True
    return render(request, "reviews/review_detail.html", context)


@require_safe
@cached_page(depends=["reviews", "reviews:{year}"])
def review_pdf(request, year: int):
    review = get_object_or_404(AnnualReview.objects.published(), year=year)
    row = pdf.request_pdf(review, get_language() or "zh-hans")
    if row.status == ReviewPdf.Status.READY:
        response: HttpResponseBase = FileResponse(
            row.file.open("rb"),
            content_type="application/pdf",
            filename=pdf.filename(review),
        )
        response["Cache-Control"] = "public, max-age=300"
        return response
    failed = row.status == ReviewPdf.Status.FAILED
    response = render(
        request,
        "reviews/pdf_pending.html",
        {"review": review, "failed": failed, "retry": PDF_RETRY_SECONDS},
        status=503 if failed else 202,
    )
    response["Retry-After"] = str(PDF_RETRY_SECONDS * (6 if failed else 1))
    response["Cache-Control"] = "no-store"
    return response
