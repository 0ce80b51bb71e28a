"""The public register of filed normative documents and the outcomes of their reviews."""

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from congress.kit import challenge, ratelimit
from congress.kit.errors import DomainError
from congress.kit.listing import FilteredListView
from congress.kit.pagecache import cached_page
from congress.kit.rules import rule
from supervision.filing import services
from supervision.filing.forms import ReviewSuggestionForm, TrackCodeForm
from supervision.filing.models import (
    FilingReview,
    NormativeDocument,
    ReviewStep,
    ReviewSuggestion,
    filing_deadline_days,
    normalise_suggestion_code,
)


def _years(request=None):
    years = NormativeDocument.objects.public().dates("published_on", "year", order="DESC")
    return [(str(day.year), str(day.year)) for day in years]


FILING_CHOICES = [
    ("on_time", gettext_lazy("filed on time")),
    ("late", gettext_lazy("filed late")),
    ("overdue", gettext_lazy("published, not filed")),
]


class FilingFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label=gettext_lazy("Year"),
        choices=_years,
        method="filter_year",
        empty_label=gettext_lazy("All years"),
    )
    category = django_filters.ChoiceFilter(
        label=gettext_lazy("Category"),
        choices=NormativeDocument.Category.choices,
        empty_label=gettext_lazy("All categories"),
    )
    filing = django_filters.ChoiceFilter(
        label=gettext_lazy("Filing"),
        choices=FILING_CHOICES,
        method="filter_filing",
        empty_label=gettext_lazy("All"),
    )
    review = django_filters.ChoiceFilter(
        label=gettext_lazy("Review"),
        choices=FilingReview.Status.choices,
        method="filter_review",
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = NormativeDocument
        fields = ["year", "category", "filing", "review"]

    def filter_year(self, queryset, name, value):
        return queryset.of_year(int(value))

    def filter_filing(self, queryset, name, value):
        return queryset.in_filing_state(value)

    def filter_review(self, queryset, name, value):
        return queryset.filter(reviews__status=value).distinct()


def public_documents():
    return (
        NormativeDocument.objects.public()
        .select_related("organ")
        .prefetch_related(
            Prefetch("reviews", queryset=FilingReview.objects.order_by("-started_on", "-id"))
        )
    )


@method_decorator(cached_page(depends=["filing"]), name="dispatch")
class FilingListView(FilteredListView):
    template_name = "supervision/filing_list.html"
    filterset_class = FilingFilter
    context_object_name = "documents"

    def get_base_queryset(self):
        return public_documents()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filing_days=filing_deadline_days(), **kwargs)


@cached_page(depends=["filing"])
def document_detail(request, pk):
    document = (
        public_documents()
        .prefetch_related(
            "reviews__findings",
            Prefetch("reviews__steps", queryset=ReviewStep.objects.order_by("on", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return render(request, "supervision/filing_detail.html", {"document": document})


# --- Residents' suggestions that a document be reviewed ---------------------------------------


def _suggestion_limit_seconds() -> int:
    return rule("FILING_SUGGESTION_RATE_SECONDS")


@never_cache
@require_http_methods(["GET", "POST"])
def suggestion_new(request):
    """Anyone may suggest a review; past a few a day from one address the form asks a small
    question instead of refusing (congress.kit.challenge), and keeps what was typed."""
    initial = {}
    raw = request.GET.get("document", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        document = get_object_or_404(NormativeDocument.objects.public(), pk=int(raw))
        initial = {"document": document.pk, "document_title": str(document)}
    form = ReviewSuggestionForm(request.POST or None, initial=initial)
    asking = None
    challenge_failed = False
    if request.method == "POST":
        address = ratelimit.client_address(request)
        within = ratelimit.hit(
            "filing-suggestion",
            address,
            limit=rule("FILING_SUGGESTION_RATE_PER_ADDRESS"),
            seconds=_suggestion_limit_seconds(),
        )
        answer = request.POST.get("challenge_answer", "")
        passed = within or challenge.passed(request.POST.get("challenge", ""), answer)
        if form.is_valid() and passed:
            data = form.cleaned_data
            try:
                suggestion = services.review_suggestion_submit(
                    document=data["document"],
                    document_title=data["document_title"],
                    grounds=data["grounds"],
                    name=data["name"],
                    phone=data["phone"],
                    consent=data["consent"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect("supervision:filing_suggestion_track", code=suggestion.code)
        if not passed:
            asking = challenge.new()
            challenge_failed = bool(answer)
    return render(
        request,
        "supervision/filing_suggestion_new.html",
        {
            "form": form,
            "challenge": asking,
            "challenge_failed": challenge_failed,
            "answer_days": rule("FILING_SUGGESTION_ANSWER_WORKING_DAYS"),
        },
        status=429 if asking else 200,
    )


def _track_refused(request):
    allowed = ratelimit.hit(
        "filing-track",
        ratelimit.client_address(request),
        limit=rule("OPINION_TRACK_RATE_PER_ADDRESS"),
        seconds=rule("OPINION_TRACK_RATE_SECONDS"),
    )
    return not allowed


@never_cache
def suggestion_track(request):
    form = TrackCodeForm(request.GET or None)
    if form.is_bound:
        if _track_refused(request):
            return render(
                request,
                "supervision/filing_track.html",
                {"form": form, "limited": True},
                status=429,
            )
        if form.is_valid():
            code = form.cleaned_data["code"]
            if ReviewSuggestion.objects.filter(code=code).exists():
                return redirect("supervision:filing_suggestion_track", code=code)
            form.add_error(
                "code", _("No suggestion has this code. Check the characters and try again.")
            )
    return render(request, "supervision/filing_track.html", {"form": form})


@never_cache
def suggestion_track_detail(request, code):
    if _track_refused(request):
        return render(
            request,
            "supervision/filing_track.html",
            {"form": TrackCodeForm(), "limited": True},
            status=429,
        )
    clean = normalise_suggestion_code(code)
    suggestion = (
        ReviewSuggestion.objects.select_related("document__organ", "review")
        .filter(code=clean)
        .first()
    )
    if suggestion is None:
        form = TrackCodeForm({"code": code})
        form.is_valid()
        form.add_error(None, _("No suggestion has this code. Check the characters and try again."))
        return render(request, "supervision/filing_track.html", {"form": form}, status=404)
    if clean != code:
        return redirect("supervision:filing_suggestion_track", code=clean)
    return render(request, "supervision/filing_track_detail.html", {"suggestion": suggestion})
