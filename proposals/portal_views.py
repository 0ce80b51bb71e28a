"""The deputy's suggestions and motions in the workspace (/portal/suggestions/, /portal/motions/).

Every lookup goes through a queryset scoped to the deputy: another deputy's draft, signature
request or reply is a 404, never a 403. Forms validate first; the services then change state,
and a DomainError they raise is shown to the deputy (beside the form, or as a message after a
redirect) with nothing written: a form's several service calls run in one transaction.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from congress.kit.errors import DomainError
from deputies.portal import deputy_required
from proposals import selectors, services
from proposals.forms import (
    MotionForm,
    RatingForm,
    SignatureAnswerForm,
    SuggestionForm,
    cosigner_label,
    cosigner_queryset,
)
from proposals.handling import clocks
from proposals.models import (
    Assignment,
    Feedback,
    Motion,
    Reply,
    Signature,
    Suggestion,
    TimelineEntry,
)
from proposals.printing import suggestion_form_queryset, suggestion_form_response
from proposals.timeline import deputy_timeline

S = Suggestion.Status


def _with_lead_unit(queryset):
    lead = Assignment.objects.filter(
        suggestion=OuterRef("pk"), active=True, role=Assignment.Role.LEAD
    )
    return queryset.annotate(
        lead_unit_name=Subquery(lead.values("organisation__name")[:1]),
        lead_due_date=Subquery(lead.values("due_date")[:1]),
    )


# -- suggestions ----------------------------------------------------------------------------


@deputy_required
def suggestions(request, deputy):
    """My items (led or co-signed), requests to co-sign, replies waiting for my rating."""
    page = Paginator(_with_lead_unit(selectors.deputy_suggestions(deputy)), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/suggestions.html",
        {
            "deputy": deputy,
            "page_obj": page,
            "suggestions": page.object_list,
            "requests": list(
                selectors.signature_requests(deputy).select_related("motion__session")
            ),
            "to_rate": list(selectors.replies_to_rate(deputy).order_by("-replied_at")),
            "query_string": "",
        },
    )


def _run_in_one_transaction(form, steps) -> bool:
    """Run the service calls; on a DomainError undo them all and put the message on the form."""
    try:
        with transaction.atomic():
            steps()
    except DomainError as error:
        form.add_error(None, error.message)
        return False
    return True


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
            item = services.suggestion_create_draft(lead=deputy, by=request.user, **fields)
        else:
            item = services.suggestion_update_draft(
                suggestion=suggestion, by=request.user, **fields
            )
        for file in data["attachments"]:
            services.suggestion_attach(suggestion=item, file=file, by=request.user)
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
            return redirect("portal_suggestion", pk=item.pk)
    return render(
        request, "portal/suggestion_form.html", {"deputy": deputy, "form": form, "item": None}
    )


def _own_draft(deputy, pk):
    return get_object_or_404(Suggestion.objects.filter(lead=deputy, status=S.DRAFT), pk=pk)


@deputy_required
def suggestion_edit(request, deputy, pk):
    suggestion = _own_draft(deputy, pk)
    form = SuggestionForm(
        request.POST or None, request.FILES or None, lead=deputy, suggestion=suggestion
    )
    if request.method == "POST" and form.is_valid():
        if _save_suggestion(request, deputy, form, suggestion) is not None:
            messages.success(request, _("Draft saved."))
            return redirect("portal_suggestion", pk=suggestion.pk)
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
            "rated": rated,
            "to_rate": to_rate,
            "timeline": deputy_timeline(
                suggestion, [suggestion.lead, *(s.deputy for s in suggestion.signatures.all())]
            ),
            "clocks": clocks.item_clocks(suggestion, audience="deputy"),
            "next_step": _next_step(suggestion),
        },
    )


def _next_step(suggestion) -> dict | None:
    """What happens next after a 不满意, and when: the office's decision, then its outcome."""
    unsatisfied = services.unsatisfied_feedback(suggestion)
    if unsatisfied is not None:
        return {
            "kind": "waiting",
            "due": services.office_decision_due(unsatisfied.given_at),
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
            services.suggestion_submit(suggestion=suggestion, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("portal_suggestion_submit", pk=suggestion.pk)
        messages.success(request, _("Submitted. The office reviews it and tells you its number."))
        return redirect("portal_suggestion", pk=suggestion.pk)
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


# -- co-signing -----------------------------------------------------------------------------

COSIGNER_SEARCH_LIMIT = 10


@deputy_required
@require_safe
def cosigner_search(request, deputy):
    """JSON for the co-signer picker: deputies the lead may still ask, matching the typed text
    by name, card number or delegation. Public fields only (name, card number, delegation)."""
    query = request.GET.get("q", "").strip()[:50]
    item = None
    for param, model in (("suggestion", Suggestion), ("motion", Motion)):
        raw = request.GET.get(param, "")
        if raw.isdigit():
            item = model.objects.filter(lead=deputy, pk=int(raw)).first()
    results = []
    if query:
        matches = (
            cosigner_queryset(lead=deputy, item=item)
            .filter(
                Q(name__icontains=query)
                | Q(card_number__icontains=query)
                | Q(delegation__name__icontains=query)
            )
            .select_related("delegation")
            .order_by("delegation__town__order", "delegation__name", "name", "id")
        )
        results = [
            {
                "id": d.pk,
                "name": d.name,
                "card_number": d.card_number,
                "delegation": d.delegation.name,
                "value": cosigner_label(d),
            }
            for d in matches[:COSIGNER_SEARCH_LIMIT]
        ]
    return JsonResponse({"results": results}, headers={"Cache-Control": "private, no-store"})


@deputy_required
@require_http_methods(["GET", "POST"])
def signature_answer(request, deputy, pk):
    """A request to co-sign: read the item (GET), then confirm or decline it (POST)."""
    signature = get_object_or_404(
        Signature.objects.filter(deputy=deputy).select_related(
            "suggestion__lead", "suggestion__category", "motion__lead", "motion__session__term"
        ),
        pk=pk,
    )
    if request.method == "POST":
        form = SignatureAnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose to confirm or to decline."))
            return redirect("portal_signature", pk=signature.pk)
        service = (
            services.signature_confirm
            if form.cleaned_data["answer"] == "confirm"
            else services.signature_decline
        )
        try:
            service(signature=signature, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("portal_signature", pk=signature.pk)
        if form.cleaned_data["answer"] == "confirm":
            messages.success(request, _("You co-signed “%(title)s”.") % {"title": signature.item})
        else:
            messages.success(
                request, _("You declined to co-sign “%(title)s”.") % {"title": signature.item}
            )
        if request.POST.get("next") == "overview":  # the one-tap buttons on /portal/
            return redirect("deputies:portal")
        return redirect("portal_suggestions")
    return render(
        request,
        "portal/suggestion_signature.html",
        {"deputy": deputy, "signature": signature, "item": signature.item},
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
            services.feedback_give(
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
        return redirect("portal_suggestion", pk=reply.suggestion_id)
    return render(
        request,
        "portal/suggestion_rate.html",
        {"deputy": deputy, "reply": reply, "item": reply.suggestion, "form": form},
    )


# -- motions --------------------------------------------------------------------------------


def _min_signers() -> int:
    return settings.CONGRESS_RULES["MOTION_MIN_SIGNERS"]


@deputy_required
def motions(request, deputy):
    page = Paginator(
        Motion.objects.for_deputy(deputy)
        .select_related("session__term", "lead")
        .order_by("-created_at"),
        20,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/motions.html",
        {"deputy": deputy, "page_obj": page, "motions": page.object_list, "query_string": ""},
    )


def _save_motion(request, deputy, form, motion=None):
    data = form.cleaned_data
    result = {}

    def steps():
        texts = {k: data[k] for k in ("title", "reason", "grounds", "proposal", "is_public")}
        if motion is None:
            item = services.motion_create_draft(
                lead=deputy, session=data["session"], by=request.user, **texts
            )
        else:
            item = services.motion_update_draft(motion=motion, by=request.user, **texts)
        for cosigner in data["cosigners"]:
            services.signature_request(item=item, deputy=cosigner, by=request.user)
        result["item"] = item

    if _run_in_one_transaction(form, steps):
        return result["item"]
    return None


@deputy_required
def motion_new(request, deputy):
    form = MotionForm(request.POST or None, lead=deputy)
    if request.method == "POST" and form.is_valid():
        item = _save_motion(request, deputy, form)
        if item is not None:
            messages.success(request, _("Draft saved. Submit it once enough deputies have signed."))
            return redirect("portal_motion", pk=item.pk)
    return render(
        request,
        "portal/motion_form.html",
        {"deputy": deputy, "form": form, "item": None, "min_signers": _min_signers()},
    )


def _own_draft_motion(deputy, pk):
    return get_object_or_404(
        Motion.objects.filter(lead=deputy, status=Motion.Status.DRAFT).select_related(
            "session__term"
        ),
        pk=pk,
    )


@deputy_required
def motion_edit(request, deputy, pk):
    motion = _own_draft_motion(deputy, pk)
    form = MotionForm(request.POST or None, lead=deputy, motion=motion)
    if request.method == "POST" and form.is_valid():
        if _save_motion(request, deputy, form, motion) is not None:
            messages.success(request, _("Draft saved."))
            return redirect("portal_motion", pk=motion.pk)
    return render(
        request,
        "portal/motion_form.html",
        {"deputy": deputy, "form": form, "item": motion, "min_signers": _min_signers()},
    )


@deputy_required
def motion_detail(request, deputy, pk):
    motion = get_object_or_404(
        Motion.objects.for_deputy(deputy)
        .select_related("session__term", "lead")
        .prefetch_related(Prefetch("signatures", Signature.objects.select_related("deputy"))),
        pk=pk,
    )
    confirmed = [s for s in motion.signatures.all() if s.status == Signature.Status.CONFIRMED]
    return render(
        request,
        "portal/motion_detail.html",
        {
            "deputy": deputy,
            "item": motion,
            "is_lead": motion.lead_id == deputy.pk,
            "signer_count": 1 + len(confirmed),
            "min_signers": _min_signers(),
            "timeline": deputy_timeline(
                motion, [motion.lead, *(s.deputy for s in motion.signatures.all())]
            ),
        },
    )


@deputy_required
@require_http_methods(["GET", "POST"])
def motion_submit(request, deputy, pk):
    motion = _own_draft_motion(deputy, pk)
    if request.method == "POST":
        try:
            services.motion_submit(motion=motion, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("portal_motion_submit", pk=motion.pk)
        messages.success(request, _("Motion submitted to the presidium."))
        return redirect("portal_motion", pk=motion.pk)
    return render(
        request,
        "portal/motion_submit.html",
        {
            "deputy": deputy,
            "item": motion,
            "signer_count": services.motion_signer_count(motion),
            "min_signers": _min_signers(),
        },
    )
