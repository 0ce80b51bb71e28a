"""The deputy's motions in the workspace: list, draft, edit, submit with signers, follow."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.kit.errors import DomainError
from congress.kit.rules import rule
from congress.kit.urls import reverse_id
from deputies.portal import deputy_required
from proposals import services
from proposals.models import (
    Motion,
    Signature,
)
from proposals.motions import services as motion_services
from proposals.motions.forms import MotionForm
from proposals.portal import _run_in_one_transaction, page_of
from proposals.timeline import deputy_timeline

# -- motions --------------------------------------------------------------------------------


def _min_signers() -> int:
    return rule("MOTION_MIN_SIGNERS")


def _motion_rows(items) -> SafeString:
    """The table body of my motions, built here in one pass (as the suggestion list's): each
    session's label and each status's label made once, not once a row."""
    sessions: dict[int, str] = {}
    labels: dict[str, str] = {}
    rows = []
    for item in items:
        if item.session_id not in sessions:
            sessions[item.session_id] = item.session.label
        if item.status not in labels:
            labels[item.status] = str(Motion.Status(item.status).label)
        rows.append(
            (
                reverse_id("motions:portal_detail", item.pk),
                item.title,
                sessions[item.session_id],
                item.code or "—",
                item.status,
                labels[item.status],
            )
        )
    return format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>'
        '<td><span class="status-tag status-{}">{}</span></td></tr>\n',
        rows,
    )


@deputy_required
def motions(request, deputy):
    page = page_of(
        Motion.objects.for_deputy(deputy)
        .select_related("session__term")
        .only(
            "id",
            "title",
            "code",
            "status",
            "created_at",
            "session__number",
            "session__term__number",
        )
        .order_by("-created_at"),
        20,
        request.GET.get("page"),
    )
    return render(
        request,
        "portal/motions.html",
        {
            "deputy": deputy,
            "page_obj": page,
            "motions": page.object_list,
            "rows": _motion_rows(page.object_list),
            "query_string": "",
        },
    )


def _save_motion(request, deputy, form, motion=None):
    data = form.cleaned_data
    result = {}

    def steps():
        texts = {k: data[k] for k in ("title", "reason", "grounds", "proposal", "is_public")}
        if motion is None:
            item = motion_services.motion_create_draft(
                lead=deputy, session=data["session"], by=request.user, **texts
            )
        else:
            item = motion_services.motion_update_draft(motion=motion, by=request.user, **texts)
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
            return redirect("motions:portal_detail", pk=item.pk)
    return render(
        request,
        "portal/motion_form.html",
        {"deputy": deputy, "form": form, "item": None, "min_signers": _min_signers()},
    )


def _own_draft_motion(deputy, pk):
    return get_object_or_404(
        Motion.objects.filter(lead=deputy, status__in=Motion.STEPS["edit"]).select_related(
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
            return redirect("motions:portal_detail", pk=motion.pk)
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
            "can_edit": motion.lead_id == deputy.pk and motion.can("edit"),
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
            motion_services.motion_submit(motion=motion, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("motions:portal_submit", pk=motion.pk)
        messages.success(request, _("Motion submitted to the presidium."))
        return redirect("motions:portal_detail", pk=motion.pk)
    return render(
        request,
        "portal/motion_submit.html",
        {
            "deputy": deputy,
            "item": motion,
            "signer_count": motion_services.motion_signer_count(motion),
            "min_signers": _min_signers(),
        },
    )
