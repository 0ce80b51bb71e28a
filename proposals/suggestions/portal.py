"""The deputy's suggestions in the workspace: list, draft, edit, submit, follow, rate the reply."""

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import F, FilteredRelation, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from congress.kit.errors import DomainError
from congress.kit.htmlrows import esc, joined
from congress.kit.urls import reverse_id
from deputies.portal import deputy_required
from proposals import selectors, services
from proposals.handling import clocks
from proposals.handling import services as handling_services
from proposals.handling.forms import RatingForm
from proposals.models import (
    Assignment,
    Contact,
    Feedback,
    Reply,
    Signature,
    Suggestion,
    TimelineEntry,
)
from proposals.portal import _run_in_one_transaction, page_of
from proposals.printing import suggestion_form_queryset, suggestion_form_response
from proposals.suggestions import services as suggestion_services
from proposals.suggestions.forms import SuggestionForm
from proposals.timeline import deputy_timeline

S = Suggestion.Status


def _with_lead_unit(queryset):
    """Each item with its active lead unit's name and reply due date, from one LEFT JOIN (an
    item has at most one active lead assignment: assignment_one_active_lead); two correlated
    subqueries cost the list 0.4 ms more to build and run."""
    return queryset.annotate(
        lead_assignment=FilteredRelation(
            "assignments",
            condition=Q(assignments__active=True, assignments__role=Assignment.Role.LEAD),
        )
    ).annotate(
        lead_unit_name=F("lead_assignment__organisation__name"),
        lead_due_date=F("lead_assignment__due_date"),
    )


# -- suggestions ----------------------------------------------------------------------------


def _suggestion_rows(items, deputy) -> SafeString:
    """The table body of my items, built here in one pass: the template's loop (a status
    partial, a translated part and four filters per row) cost more than the queries. What
    rows share is translated, escaped and formatted once: the column labels, both parts,
    each status's label and each due day; each row's own values are escaped here
    (congress.kit.htmlrows)."""
    h = [
        esc(label)
        for label in (
            pgettext("item number", "Number"),
            _("My part"),
            _("Status"),
            _("Lead unit"),
            _("Reply due"),
        )
    ]
    parts = {True: esc(_("Lead")), False: esc(_("Co-signer"))}
    labels: dict[str, str] = {}
    days: dict[object, str] = {None: "—"}
    rows = []
    for item in items:
        if item.status not in labels:
            labels[item.status] = esc(S(item.status).label)
        due = item.lead_due_date
        if due not in days:
            days[due] = esc(date_format(due, "DATE_FORMAT"))
        rows.append(
            f'<tr><td><a href="{reverse_id("suggestions:portal_detail", item.pk)}">'
            f"{esc(item.title)}</a></td>"
            f'<td data-label="{h[0]}">{esc(item.code or "—")}</td>'
            f'<td data-label="{h[1]}">{parts[item.lead_id == deputy.pk]}</td>'
            f'<td data-label="{h[2]}"><span class="status-tag status-{esc(item.status)}">'
            f"{labels[item.status]}</span></td>"
            f'<td data-label="{h[3]}">{esc(item.lead_unit_name or "—")}</td>'
            f'<td data-label="{h[4]}">{days[due]}</td></tr>\n'
        )
    return joined(rows)


def _my_items_page(deputy, number) -> Page:
    """page_of(deputy_suggestions with their lead unit, 20, number), read with plain SQL
    (selectors.deputy_suggestion_rows) where the page has rows; an empty list, or a page before
    the first or past the last, is answered by page_of, as before."""
    per_page = 20
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    if wanted >= 1:
        rows, total = selectors.deputy_suggestion_rows(deputy, per_page, (wanted - 1) * per_page)
        if rows:
            paginator = Paginator(rows, per_page)
            paginator.count = total  # the cached_property, set before anything reads it
            return Page(rows, wanted, paginator)
    return page_of(_with_lead_unit(selectors.deputy_suggestions(deputy)), per_page, number)


@deputy_required
def suggestions(request, deputy):
    """My items (led or co-signed), requests to co-sign, replies waiting for my rating."""
    page = _my_items_page(deputy, request.GET.get("page"))
    return render(
        request,
        "portal/suggestions.html",
        {
            "deputy": deputy,
            "page_obj": page,
            "suggestions": page.object_list,
            "rows": _suggestion_rows(page.object_list, deputy),
            "requests": selectors.signature_requests_listed(deputy),
            # Plain rows: the reply's pk, its item's title, the unit and the day.
            "to_rate": selectors.replies_to_rate_listed(deputy),
            "query_string": "",
        },
    )


def _save_suggestion(request, deputy, form, suggestion=None):
    data = form.cleaned_data
    result = {}

    def steps():
        fields = {
            "title": data["title"],
            "body": data["body"],
            "category": data["category"],
            "session": data["session"],
            "is_public": data["is_public"],
        }
        if suggestion is None:
            item = suggestion_services.suggestion_create_draft(
                lead=deputy, by=request.user, **fields
            )
        else:
            item = suggestion_services.suggestion_update_draft(
                suggestion=suggestion, by=request.user, **fields
            )
        for file in data["attachments"]:
            suggestion_services.suggestion_attach(suggestion=item, file=file, by=request.user)
        for cosigner in data["cosigners"]:
            services.signature_request(item=item, deputy=cosigner, by=request.user)
        result["item"] = item

    if _run_in_one_transaction(form, steps):
        return result["item"]
    return None


@deputy_required
def suggestion_new(request, deputy):
    form = SuggestionForm(request.POST or None, request.FILES or None, lead=deputy)
    if request.method == "POST" and form.is_valid():
        item = _save_suggestion(request, deputy, form)
        if item is not None:
            messages.success(request, _("Draft saved. Submit it when it is ready."))
            return redirect("suggestions:portal_detail", pk=item.pk)
    return render(
        request, "portal/suggestion_form.html", {"deputy": deputy, "form": form, "item": None}
    )


def _own_draft(deputy, pk):
    drafts = Suggestion.objects.filter(lead=deputy, status__in=Suggestion.STEPS["edit"])
    return get_object_or_404(drafts, pk=pk)


@deputy_required
def suggestion_edit(request, deputy, pk):
    suggestion = _own_draft(deputy, pk)
    form = SuggestionForm(
        request.POST or None, request.FILES or None, lead=deputy, suggestion=suggestion
    )
    if request.method == "POST" and form.is_valid():
        if _save_suggestion(request, deputy, form, suggestion) is not None:
            messages.success(request, _("Draft saved."))
            return redirect("suggestions:portal_detail", pk=suggestion.pk)
    return render(
        request,
        "portal/suggestion_form.html",
        {
            "deputy": deputy,
            "form": form,
            "item": suggestion,
            "signatures": suggestion.signatures.select_related("deputy"),
            "attachments": suggestion.attachments.all(),
        },
    )


@deputy_required
def suggestion_detail(request, deputy, pk):
    """One of my items: its state, co-signers, units, every reply sent to me, my ratings."""
    queryset = (
        _with_lead_unit(Suggestion.objects.for_deputy(deputy))
        .select_related("category", "session__term", "lead")
        .prefetch_related(
            Prefetch("signatures", Signature.objects.select_related("deputy")),
            "attachments",
            Prefetch(
                "assignments",
                Assignment.objects.filter(active=True).select_related(
                    "organisation", "cohandler_view"
                ),
            ),
            "assignments__return_requests",
            "assignments__extension_requests",
            Prefetch("replies", Reply.objects.select_related("organisation")),
            "progress_reports",
            "carry_overs",
        )
    )
    suggestion = get_object_or_404(queryset, pk=pk)
    rated = set(
        Feedback.objects.filter(suggestion=suggestion, rater=deputy).values_list(
            "reply_id", flat=True
        )
    )
    to_rate = set(
        selectors.replies_to_rate(deputy).filter(suggestion=suggestion).values_list("pk", flat=True)
    )
    return render(
        request,
        "portal/suggestion_detail.html",
        {
            "deputy": deputy,
            "item": suggestion,
            "is_lead": suggestion.lead_id == deputy.pk,
            # The lead edits and submits while the map allows it (a draft), never otherwise.
            "can_edit": suggestion.lead_id == deputy.pk and suggestion.can("edit"),
            "rated": rated,
            "to_rate": to_rate,
            "timeline": deputy_timeline(
                suggestion, [suggestion.lead, *(s.deputy for s in suggestion.signatures.all())]
            ),
            "clocks": clocks.item_clocks(suggestion, audience="deputy"),
            "next_step": _next_step(suggestion),
            "contacts": list(suggestion.contacts.select_related("assignment__organisation")),
        },
    )


def _next_step(suggestion) -> dict | None:
    """What happens next after a 不满意, and when: the office's decision, then its outcome."""
    unsatisfied = handling_services.unsatisfied_feedback(suggestion)
    if unsatisfied is not None:
        return {
            "kind": "waiting",
            "due": handling_services.office_decision_due(unsatisfied.given_at),
        }
    if suggestion.status not in (S.REHANDLING, S.CLOSED):
        return None
    decision = (
        TimelineEntry.objects.for_object(suggestion)
        .filter(action__in=["rehandling", "closed", "unsatisfied"])
        .order_by("-at", "-id")
        .first()
    )
    if decision is None or decision.action == "unsatisfied":
        return None
    if decision.action == "rehandling":
        lead = suggestion.lead_assignment()
        return {
            "kind": "rehandle",
            "at": decision.at,
            "note": decision.note,
            "unit": lead.organisation.name if lead else "",
            "due": lead.due_date if lead else None,
        }
    # Closed: only worth saying when the office closed it over a 不满意 (a note, an actor).
    last_unsatisfied = (
        TimelineEntry.objects.for_object(suggestion).filter(action="unsatisfied").exists()
    )
    if last_unsatisfied and decision.note:
        return {"kind": "closed", "at": decision.at, "note": decision.note}
    return None


@deputy_required
@require_safe
def suggestion_form_pdf(request, deputy, pk):
    """The official suggestion form (代表建议) of one of my items, to print."""
    suggestion = get_object_or_404(
        suggestion_form_queryset(Suggestion.objects.for_deputy(deputy)), pk=pk
    )
    return suggestion_form_response(request, suggestion)


@deputy_required
@require_http_methods(["GET", "POST"])
def suggestion_submit(request, deputy, pk):
    """GET: what will be filed, and what is missing. POST: file it."""
    suggestion = _own_draft(deputy, pk)
    if request.method == "POST":
        try:
            suggestion_services.suggestion_submit(suggestion=suggestion, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("suggestions:portal_submit", pk=suggestion.pk)
        messages.success(request, _("Submitted. The office reviews it and tells you its number."))
        return redirect("suggestions:portal_detail", pk=suggestion.pk)
    signatures = list(suggestion.signatures.select_related("deputy"))
    return render(
        request,
        "portal/suggestion_submit.html",
        {
            "deputy": deputy,
            "item": suggestion,
            "confirmed": [s for s in signatures if s.status == Signature.Status.CONFIRMED],
            "waiting": [s for s in signatures if s.status == Signature.Status.REQUESTED],
            "missing": [
                label
                for label, value in (
                    (_("text"), suggestion.body.strip()),
                    (_("category"), suggestion.category_id),
                )
                if not value
            ],
        },
    )


# -- rating a reply ---------------------------------------------------------------------------


@deputy_required
@require_http_methods(["GET", "POST"])
def reply_rate(request, deputy, pk):
    reply = get_object_or_404(
        Reply.objects.filter(suggestion__in=Suggestion.objects.for_deputy(deputy)).select_related(
            "suggestion", "organisation"
        ),
        pk=pk,
    )
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handling_services.feedback_give(
                reply=reply,
                rater=deputy,
                by=request.user,
                process_rating=form.cleaned_data["process_rating"],
                result_rating=form.cleaned_data["result_rating"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
        return redirect("suggestions:portal_detail", pk=reply.suggestion_id)
    return render(
        request,
        "portal/suggestion_rate.html",
        {"deputy": deputy, "reply": reply, "item": reply.suggestion, "form": form},
    )


# -- contacts with the handling unit (面商) -----------------------------------------------------


@deputy_required
@require_POST
def contact_answer(request, deputy, pk, contact_pk):
    """One tap: the lead deputy confirms a contact the unit recorded, or disputes it (with an
    optional reason). Another deputy's contacts do not exist here (404)."""
    contact = get_object_or_404(
        Contact.objects.filter(suggestion_id=pk, suggestion__lead=deputy), pk=contact_pk
    )
    confirm = request.POST.get("answer") == "confirm"
    try:
        handling_services.contact_answer(
            contact=contact,
            deputy=deputy,
            confirm=confirm,
            reason=request.POST.get("reason", "")[:2000],
            by=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Thank you: the contact is confirmed.")
            if confirm
            else _("Recorded: you dispute this contact; the unit and the office can see it."),
        )
    return redirect("suggestions:portal_detail", pk=pk)
