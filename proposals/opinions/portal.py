"""The deputy's side of residents' opinions (/portal/opinions/): their stations' and their own code's.

A deputy sees only the opinions sent to a station they are stationed at or to their own deputy
code; any other answers 404. They accept an opinion, answer it on the spot, route it to a unit,
turn it into a suggestion draft, or turn it down with the channel to use — each step one service
call — and they record what residents told them at a reception. Residents' names and phone numbers
are not shown here: only staff with the contact permission see them.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.kit.errors import DomainError
from congress.kit.files import serve_private
from congress.kit.uploads import attachment_kind
from deputies.portal import deputy_required
from proposals.models import Opinion, OpinionPhoto
from proposals.opinions import selectors, services
from proposals.opinions.forms import (
    AnswerForm,
    EscalateForm,
    NotAcceptForm,
    ReceptionOpinionForm,
    RouteForm,
)

STATUS_FILTERS = {"", "open", *Opinion.Status.values}


@deputy_required
def opinion_list(request, deputy):
    status = request.GET.get("status", "open" if "status" not in request.GET else "")
    if status not in STATUS_FILTERS:
        raise BadRequest("invalid status")
    page = Paginator(selectors.portal_opinions(deputy, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/opinions.html",
        {
            "deputy": deputy,
            "page_obj": page,
            "opinions": page.object_list,
            "status": status,
            "statuses": Opinion.Status.choices,
        },
    )


def _own(deputy, pk) -> Opinion:
    return get_object_or_404(
        Opinion.objects.for_deputy(deputy)
        .select_related("station", "deputy", "suggestion")
        .defer("name", "phone"),
        pk=pk,
    )


ACTIONS = {
    # action: (its form class, the service call)
    "accept": (
        None,
        lambda o, d, u, data: services.opinion_accept(opinion=o, deputy=d, by=u),
    ),
    "answer": (
        AnswerForm,
        lambda o, d, u, data: services.opinion_answer(opinion=o, deputy=d, by=u, text=data["text"]),
    ),
    "route": (
        RouteForm,
        lambda o, d, u, data: services.opinion_route(
            opinion=o, deputy=d, by=u, organisation=data["organisation"]
        ),
    ),
    "escalate": (
        EscalateForm,
        lambda o, d, u, data: services.opinion_escalate(
            opinion=o, deputy=d, by=u, title=data["title"]
        ),
    ),
    "not_accept": (
        NotAcceptForm,
        lambda o, d, u, data: services.opinion_not_accept(
            opinion=o, deputy=d, by=u, reason=data["reason"], channel=data["channel"]
        ),
    ),
}
SUCCESS = {
    "accept": lambda: _("Accepted."),
    "answer": lambda: _("Your answer was sent; the resident can read and rate it."),
    "route": lambda: _("Routed to the handling unit."),
    "escalate": lambda: _("A suggestion draft was added to your portal."),
    "not_accept": lambda: _("Recorded as not accepted; the resident is told which channel to use."),
}


def deputy_actions(opinion: Opinion) -> dict[str, bool]:
    """The buttons a deputy sees: exactly the steps the map allows now and the service takes
    (a reopened opinion a unit handles is answered by that unit, not on the spot)."""
    can = {
        name: opinion.can_become(target)
        for name, target in (
            ("accept", Opinion.Status.ACCEPTED),
            ("answer", Opinion.Status.REPLIED),
            ("route", Opinion.Status.ROUTED),
            ("escalate", Opinion.Status.ESCALATED),
            ("not_accept", Opinion.Status.NOT_ACCEPTED),
        )
    }
    can["answer"] = can["answer"] and services.answerable_by_deputy(opinion)
    return can


@deputy_required
@require_http_methods(["GET", "POST"])
def opinion_detail(request, deputy, pk):
    opinion = _own(deputy, pk)
    forms = {
        "answer": AnswerForm(prefix="answer"),
        "route": RouteForm(prefix="route"),
        "escalate": EscalateForm(prefix="escalate"),
        "not_accept": NotAcceptForm(prefix="not_accept"),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise BadRequest("unknown action")
        form_class, call = ACTIONS[action]
        form = form_class(request.POST, prefix=action) if form_class else None
        if form is None or form.is_valid():
            try:
                call(opinion, deputy, request.user, form.cleaned_data if form else {})
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, SUCCESS[action]())
                return redirect("opinions:portal_detail", pk=opinion.pk)
        else:
            forms[action] = form
    return render(
        request,
        "portal/opinion_detail.html",
        {
            "deputy": deputy,
            "opinion": opinion,
            "forms": forms,
            "can": deputy_actions(opinion),
            "photos": opinion.photos.filter(ready=True),
            "timeline": selectors.full_timeline(opinion),
            "replies": opinion.replies.select_related("organisation"),
            "assignments": opinion.assignments.select_related("organisation"),
        },
    )


@deputy_required
def opinion_photo(request, deputy, pk, photo_pk):
    """A photo of one of the deputy's opinions (media files of opinions are not public)."""
    opinion = _own(deputy, pk)
    photo = get_object_or_404(OpinionPhoto, pk=photo_pk, opinion=opinion, ready=True)
    # A resident's upload: inert (nosniff, sandbox), private, and only if it is an image.
    return serve_private(
        photo.image, f"{opinion.code}-{photo.pk}", attachment_kind, {"png", "jpeg"}
    )


@deputy_required
@require_http_methods(["GET", "POST"])
def reception_opinion_new(request, deputy):
    """Record what a resident said at a reception of one of the deputy's stations."""
    form = ReceptionOpinionForm(request.POST or None, request.FILES or None, deputy=deputy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opinion = services.opinion_submit(
                source=Opinion.Source.RECEPTION,
                station=data["reception"].station,
                deputy=deputy,
                reception=data["reception"],
                category=data["category"],
                content=data["content"],
                photos=data["photos"],
                name=data["name"],
                phone=data["phone"],
                texts=data["texts"],
                consent=data["consent"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Recorded. Give the resident the tracking code %(code)s.")
                % {"code": opinion.code},
            )
            return redirect("opinions:portal_detail", pk=opinion.pk)
    return render(request, "portal/opinion_new.html", {"deputy": deputy, "form": form})
