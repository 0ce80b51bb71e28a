"""Public pages of the annual work reviews, the staff preview and the PDF."""

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


def _published_review(year: int) -> tuple[AnnualReview, list[ReviewSection]]:
    """The published review of `year` and its sections, read together in one query (two for a
    review without sections); 404 if there is none."""
    sections = list(
        ReviewSection.objects.filter(review__year=year, review__published=True)
        .select_related("review")
        .order_by("order", "id")
    )
    if sections:
        return sections[0].review, sections
    return get_object_or_404(AnnualReview.objects.published(), year=year), []


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
