"""The deputy's workspace pages that suggestions and motions share: answering a request to
co-sign, searching for co-signers.
"""

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Q, Window
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from congress.kit.errors import DomainError
from deputies.portal import deputy_required
from proposals import services
from proposals.forms import SignatureAnswerForm, cosigner_label, cosigner_queryset
from proposals.models import (
    Motion,
    Signature,
    Suggestion,
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


def page_of(queryset, per_page: int, number) -> Page:
    """`Paginator(queryset, per_page).get_page(number)` in one query where the page has rows:
    the total comes with them (COUNT(*) OVER (), which the database has at hand while it
    orders them) instead of a COUNT of its own. An empty list, or a page before the first or
    past the last, is answered as get_page answers it (the count, then the last page)."""
    paginator = Paginator(queryset, per_page)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    if wanted < 1:
        return paginator.get_page(number)  # the last page, as get_page answers
    start = (wanted - 1) * per_page
    rows = list(queryset.annotate(listed_total=Window(Count("pk")))[start : start + per_page])
    if not rows:
        return paginator.get_page(number)
    paginator.count = rows[0].listed_total  # the cached_property, set before anything reads it
    return Page(rows, wanted, paginator)


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
            return redirect("proposals:signature", pk=signature.pk)
        service = (
            services.signature_confirm
            if form.cleaned_data["answer"] == "confirm"
            else services.signature_decline
        )
        try:
            service(signature=signature, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("proposals:signature", pk=signature.pk)
        if form.cleaned_data["answer"] == "confirm":
            messages.success(request, _("You co-signed “%(title)s”.") % {"title": signature.item})
        else:
            messages.success(
                request, _("You declined to co-sign “%(title)s”.") % {"title": signature.item}
            )
        if request.POST.get("next") == "overview":  # the one-tap buttons on /portal/
            return redirect("deputies:portal")
        return redirect("suggestions:portal_list")
    return render(
        request,
        "portal/suggestion_signature.html",
        {"deputy": deputy, "signature": signature, "item": signature.item},
    )
