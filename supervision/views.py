"""Public supervision and project pages, and the deputy's voting pages in the portal."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from congress.kit.errors import DomainError
from congress.kit.listing import FilteredListView
from congress.kit.pagecache import cached_page
from congress.templatetags.site import counts
from deputies.portal import deputy_required
from supervision import rules, selectors, services
from supervision.budget import register as budget_register
from supervision.filters import SupervisionFilter
from supervision.forms import BallotForm
from supervision.models import Poll, SupervisionItem
from supervision.templatetags.money import format_yuan

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
    return render(
        request,
        "supervision/project_year.html",
        {
            "data": data,
            "candidate_rows": _candidate_rows(data),
            "project_cards": _project_cards(data.selected),
            "major_rows": _major_rows(data.major_projects),
        },
    )


# The tables' bodies and the selected projects' cards are built here in one pass: as
# template loops (a dozen tags per card, a translation and a date filter per line) they cost
# more than the rest of the page. The markup is the one the template had.
DASH = "—"


def _join(parts) -> SafeString:
    """Concatenate fragments that format_html already escaped."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _candidate_rows(data: selectors.ProjectYear) -> SafeString:
    return _join(_candidate_row(row, voted=data.ballot is not None) for row in data.rows)


def _candidate_row(row: selectors.ProjectRow, *, voted: bool) -> SafeString:
    project, ballot = row.project, row.ballot
    if project.status == "selected":
        name = format_html('<a href="#project-{}">{}</a>', project.pk, project.title)
    else:
        name = conditional_escape(project.title)
    area = format_html(' <span class="tag">{}</span>', project.area) if project.area else ""
    vote = ""
    if voted and ballot is None:  # no line in the result: blank cells
        vote = format_html('<td class="num"></td><td class="num">{}</td><td></td>', DASH)
    elif voted:
        vote = format_html(
            '<td class="num">{}</td><td class="num">{}</td>'
            '<td><span class="outcome outcome-{}">{}</span></td>',
            DASH if ballot.votes is None else localize(ballot.votes),
            f"{ballot.share}%" if ballot.share else DASH,
            ballot.outcome,
            ballot.outcome_label,
        )
    return format_html(
        '<tr><th scope="row">{}{}</th><td>{}</td><td class="num">{}</td>{}</tr>',
        name,
        area,
        project.owner_name or DASH,
        format_yuan(project.investment),
        vote,
    )


def _major_rows(majors: list[selectors.MajorLine]) -> SafeString:
    labels = {True: _("to be voted on"), False: _("below the threshold: no vote")}
    return _join(
        format_html(
            '<tr><th scope="row">{}</th><td class="num">{}</td><td>{}</td></tr>',
            major.name,
            format_yuan(major.investment),
            format_html(
                "{} · <strong>{}</strong>", counts(major.vote.counts), major.vote.outcome_label
            )
            if major.vote
            else labels[major.needs_vote],
        )
        for major in majors
    )


def _project_cards(selected: list[selectors.ProjectRow]) -> SafeString:
    if not selected:
        return SafeString()
    labels = {
        "owner": _("Owner unit"),
        "investment": _("Investment"),
        "target": _("To be completed"),
        "progress": _("Progress"),
        "milestones": pgettext("project", "Milestones"),
        "milestone": _("Milestone"),
        "due": _("Due"),
        "done": _("Done"),
        "not_yet": _("not yet"),
        "inspections": _("Inspections by deputy groups"),
        "evaluation": _("Year-end satisfaction evaluation:"),
    }
    return _join(_project_card(row, labels) for row in selected)


def _project_card(row: selectors.ProjectRow, labels: dict[str, str]) -> SafeString:
    project, evaluation = row.project, row.evaluation
    target = ""
    if project.completion_target:
        target = format_html("<dt>{}</dt><dd>{}</dd>", labels["target"], project.completion_target)
    return format_html(
        '<li class="card" id="project-{pk}"><h3>{title}</h3><p>{description}</p>'
        '<dl class="facts"><dt>{owner_label}</dt><dd>{owner}</dd>'
        "<dt>{investment_label}</dt><dd>{investment}</dd>{target}</dl>"
        '<p class="progress-line"><label for="progress-{pk}">{progress_label}</label>'
        ' <progress id="progress-{pk}" max="100" value="{progress}">{progress}%</progress>'
        ' <span aria-hidden="true">{progress}%</span></p>'
        "{milestones}{inspections}{evaluation}</li>",
        pk=project.pk,
        title=project.title,
        description=project.description,
        owner_label=labels["owner"],
        owner=project.owner_name or DASH,
        investment_label=labels["investment"],
        investment=format_yuan(project.investment),
        target=target,
        progress_label=labels["progress"],
        progress=localize(project.progress),
        milestones=_milestone_table(project.milestones, labels),
        inspections=_inspection_list(project.inspections, labels),
        evaluation=format_html(
            "<p>{} <strong>{}</strong> （{}）</p>",
            labels["evaluation"],
            evaluation.outcome_label,
            counts(evaluation.counts),
        )
        if evaluation
        else "",
    )


def _milestone_table(milestones: list[selectors.MilestoneLine], labels) -> SafeString | str:
    if not milestones:
        return ""
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                m.title,
                date_format(m.due_on, "DATE_FORMAT"),
                date_format(m.done_on, "DATE_FORMAT") if m.done_on else labels["not_yet"],
            )
            for m in milestones
        ),
    )
    return format_html(
        '<table class="data"><caption>{}</caption><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        labels["milestones"],
        labels["milestone"],
        labels["due"],
        labels["done"],
        rows,
    )


def _inspection_list(inspections: list[selectors.InspectionLine], labels) -> SafeString | str:
    if not inspections:
        return ""
    items = format_html_join(
        "",
        "<li><strong>{} · {}</strong>{}<br>{}{}</li>",
        (
            (
                date_format(inspection.date, "DATE_FORMAT"),
                inspection.group_name,
                format_html(" · {}", inspection.place) if inspection.place else "",
                inspection.notes,
                format_html_join(
                    "",
                    '<figure class="inspection-photo"><img src="{0}" alt="{1}">'
                    "<figcaption>{1}</figcaption></figure>",
                    ((photo.url, photo.caption) for photo in inspection.photos),
                ),
            )
            for inspection in inspections
        ),
    )
    return format_html('<h4>{}</h4><ul class="plain">{}</ul>', labels["inspections"], items)


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
