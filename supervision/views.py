"""Public supervision and project pages, and the deputy's voting pages in the portal."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress.kit.errors import DomainError
from congress.kit.listing import FilteredListView
from congress.kit.pagecache import cached_page
from deputies.portal import deputy_required
from supervision import rules, selectors, services
from supervision.budget import register as budget_register
from supervision.filters import SupervisionFilter
from supervision.forms import BallotForm
from supervision.models import Poll, SupervisionItem

# --- Public pages -----------------------------------------------------------------------------


@method_decorator(cached_page(depends=["supervision", "budget"]), name="dispatch")
class SupervisionListView(FilteredListView):
    template_name = "supervision/item_list.html"
    filterset_class = SupervisionFilter
    context_object_name = "items"

    def get_base_queryset(self):
        return selectors.supervision_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["budget_years"] = budget_register.years(published_only=True)
        return context


@cached_page(depends=["supervision"])
def item_detail(request, pk):
    try:
        item = selectors.supervision_item(pk)
    except SupervisionItem.DoesNotExist:
        raise Http404 from None
    outcome, lines = selectors.public_result(item.satisfaction_poll)
    evaluation = []
    if outcome:
        options = selectors.satisfaction_options(item.satisfaction_poll)
        evaluation = [(option, lines.get(option.pk)) for option in options]
    return render(
        request,
        "supervision/item_detail.html",
        {"item": item, "outcome": outcome, "evaluation": evaluation},
    )


@cached_page(depends=["projects"])
def project_years(request):
    return render(request, "supervision/project_years.html", {"years": selectors.project_years()})


@cached_page(depends=["projects"])
def project_year(request, year):
    data = selectors.project_year(year)
    if data is None:
        raise Http404
    return render(request, "supervision/project_year.html", {"data": data})


# --- The deputy's voting pages ----------------------------------------------------------------


# The voting pages refuse a login that is no deputy's in their own words (staff enter paper
# tallies in the back office).
NOT_A_VOTER = "supervision/not_a_deputy.html"


def _poll_for(deputy, pk) -> Poll:
    try:
        return selectors.polls_for_voter(deputy).get(pk=pk)
    except Poll.DoesNotExist:
        raise Http404 from None


@deputy_required(refusal=NOT_A_VOTER)
def vote_list(request, deputy):
    polls = list(selectors.polls_for_voter(deputy))
    return render(
        request,
        "supervision/vote_list.html",
        {
            "deputy": deputy,
            "open_polls": [p for p in polls if p.is_accepting()],
            "other_polls": [p for p in polls if not p.is_accepting()],
        },
    )


def _ballot_context(poll, form, **extra):
    return {
        "poll": poll,
        "form": form,
        "options": form.options,
        "grades": rules.grade_choices(poll.method),
        "choose": poll.method == rules.Method.CHOOSE,
        **extra,
    }


@deputy_required(refusal=NOT_A_VOTER)
def vote_ballot(request, deputy, pk):
    """GET: the ballot. POST: check it and show the confirmation (nothing is stored yet)."""
    poll = _poll_for(deputy, pk)
    if poll.voted or not poll.is_accepting():
        return render(request, "supervision/vote_closed.html", {"poll": poll}, status=200)
    options = list(poll.options.all())
    if request.method == "POST" and "edit" not in request.POST:
        form = BallotForm(request.POST, poll=poll, options=options)
        if form.is_valid():
            return render(
                request,
                "supervision/vote_confirm.html",
                _ballot_context(poll, form, rows=form.rows(), marks=form.marks),
            )
    else:
        # A first visit, or "change my choices" from the confirmation: the ballot, filled in.
        form = BallotForm(poll=poll, options=options)
    data = request.POST if request.method == "POST" else None
    chosen = set(data.getlist("option")) if data else set()
    lines = [
        (
            option,
            str(option.pk) in chosen,
            data.get(f"grade-{option.pk}", "") if data else "",
        )
        for option in options
    ]
    return render(request, "supervision/vote_ballot.html", _ballot_context(poll, form, lines=lines))


@require_POST
@deputy_required(refusal=NOT_A_VOTER)
def vote_cast(request, deputy, pk):
    poll = _poll_for(deputy, pk)
    form = BallotForm(request.POST, poll=poll, options=poll.options.all())
    if not form.is_valid():
        for error in form.non_field_errors() or [_("This ballot could not be read.")]:
            messages.error(request, error)
        return redirect("supervision:vote", pk=poll.pk)
    try:
        services.ballot_cast(poll=poll, voter=deputy, marks=form.marks)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("supervision:vote", pk=poll.pk)
    return redirect(reverse("supervision:vote_done", args=[poll.pk]))


@deputy_required(refusal=NOT_A_VOTER)
def vote_done(request, deputy, pk):
    poll = _poll_for(deputy, pk)
    if not poll.voted:
        return redirect("supervision:vote", pk=poll.pk)
    return render(request, "supervision/vote_done.html", {"poll": poll})
