"""Residents' opinions: the form the QR codes open, tracking by code, statistics, station posters.

The addresses are fixed because printed QR codes and posters point at them (DESIGN.md).
None of these pages reads or shows a resident's name or phone number.
"""

import hashlib

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from congress.kit import challenge, ratelimit
from congress.kit.errors import DomainError
from congress.kit.pagecache import accept_params, cached_page
from congress.kit.qr import opinion_form_url
from congress.kit.rules import rule
from congress.kit.sharedcache import shared
from deputies.models import Deputy, LiaisonStation, ReceptionSession
from proposals.models import Opinion, normalise_opinion_code
from proposals.opinions import selectors
from proposals.opinions.forms import OpinionForm, RatingForm, StatsFilterForm, TrackForm
from proposals.opinions.services import (
    opinion_rate,
    opinion_submit,
    pending_photos_count,
    pending_photos_drop,
    pending_photos_keep,
    pending_photos_take,
)


def _lookup(model, raw):
    if raw is None:
        return None
    if not raw.isdigit():
        raise Http404
    try:
        if model is Deputy:
            return Deputy.objects.public().serving().get(pk=int(raw))
        return LiaisonStation.objects.filter(active=True).select_related("town").get(pk=int(raw))
    except model.DoesNotExist:
        raise Http404 from None


def too_many_requests(request, seconds: int):
    response = render(
        request, "proposals/opinion_429.html", {"minutes": max(1, seconds // 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


def _limited(request, scope: str, subject: str, limit_key: str, window_key: str):
    seconds = rule(window_key)
    allowed = ratelimit.hit(scope, subject, limit=rule(limit_key), seconds=seconds)
    return None if allowed else too_many_requests(request, seconds)


def _reception_session_open(stations) -> bool:
    return ReceptionSession.objects.open().filter(station__in=stations).exists()


def _opinion_page(request, context, *, status=200):
    return render(request, "proposals/opinion_new.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def opinion_new(request):
    """The mobile form a station's or a deputy's QR code opens; works without JavaScript.

    Limits (per client address, per station) never turn a resident away with what they typed
    lost. Beyond the soft limits the form comes back with the text and photos kept and a
    small question to answer (congress.kit.challenge); only beyond OPINION_RATE_PER_ADDRESS_HARD
    posts from one address is it refused for a while — still with the text kept. While a
    reception session is open at the station, the per-address limits do not apply: a queue of
    residents on the station's Wi-Fi all share one address.
    """
    station = _lookup(LiaisonStation, request.GET.get("station"))
    deputy = _lookup(Deputy, request.GET.get("deputy"))
    if station is None and deputy is None:
        if request.method == "GET":  # no QR code: the way in picks the town, then the station
            return redirect("opinions:start")
        raise BadRequest("no station or deputy")
    stations = (
        [station] if station else list(deputy.stations.filter(active=True).select_related("town"))
    )
    context = {"station": station, "deputy": deputy, "stations": stations}
    if request.method != "POST":
        return _opinion_page(request, {**context, "form": OpinionForm()})

    kept_token = request.POST.get("kept_photos", "")
    address_window = rule("OPINION_RATE_PER_ADDRESS_SECONDS")
    address_ok = True
    if not _reception_session_open(stations):
        address_ok = ratelimit.hit(
            "opinion-address",
            ratelimit.client_address(request),
            limit=rule("OPINION_RATE_PER_ADDRESS"),
            seconds=address_window,
        )
        posts = ratelimit.peek(
            "opinion-address", ratelimit.client_address(request), seconds=address_window
        )
        if posts > rule("OPINION_RATE_PER_ADDRESS_HARD"):
            # Refused for a while, without looking at the photos; the text stays in the form.
            response = _opinion_page(
                request,
                {
                    **context,
                    "form": OpinionForm(request.POST),
                    "refused_minutes": max(1, address_window // 60),
                    "kept_photos": kept_token,
                    "kept_photo_count": pending_photos_count(kept_token),
                    "reattach": [f.name for f in request.FILES.getlist("photos")],
                },
                status=429,
            )
            response["Retry-After"] = str(address_window)
            return response

    form = OpinionForm(request.POST, request.FILES)
    valid = form.is_valid()
    new_photos = form.cleaned_data.get("photos") if "photos" in form.cleaned_data else None
    photos = new_photos
    if new_photos:  # newly chosen photos replace the kept ones
        pending_photos_drop(kept_token)
        kept_token = ""
    challenge_failed = False
    if valid:
        if not photos and kept_token:
            photos = pending_photos_take(kept_token)
        target = f"station:{station.pk}" if station else f"deputy:{deputy.pk}"
        station_ok = ratelimit.hit(
            "opinion-station",
            target,
            limit=rule("OPINION_RATE_PER_STATION"),
            seconds=rule("OPINION_RATE_PER_STATION_SECONDS"),
        )
        answer = request.POST.get("challenge_answer", "")
        if address_ok and station_ok or challenge.passed(request.POST.get("challenge", ""), answer):
            data = form.cleaned_data
            try:
                opinion = opinion_submit(
                    source=Opinion.Source.STATION_QR if station else Opinion.Source.DEPUTY_QR,
                    # A deputy stationed at one station: the station counts the opinion too.
                    station=station or (stations[0] if len(stations) == 1 else None),
                    deputy=deputy,
                    category=data["category"],
                    content=data["content"],
                    photos=photos,
                    name=data["name"],
                    phone=data["phone"],
                    texts=data["texts"],
                    consent=data["consent"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                pending_photos_drop(kept_token)
                return redirect(reverse("opinions:track_detail", args=[opinion.code]) + "?new=1")
        else:
            challenge_failed = bool(answer)
    # Back to the resident with everything kept: the text in the bound form, the photos on
    # the server, and — when a limit was reached — a question to answer.
    if new_photos:
        kept_token = pending_photos_keep(new_photos)
    asking = valid and not form.errors
    context.update(
        form=form,
        kept_photos=kept_token,
        kept_photo_count=pending_photos_count(kept_token),
        challenge=challenge.new() if asking else None,
        challenge_failed=challenge_failed,
    )
    return _opinion_page(request, context, status=429 if asking else 200)


def _track_limited(request):
    return _limited(
        request,
        "opinion-track",
        ratelimit.client_address(request),
        "OPINION_TRACK_RATE_PER_ADDRESS",
        "OPINION_TRACK_RATE_SECONDS",
    )


@never_cache
def opinion_track(request):
    """Type the code to follow an opinion; a wrong code is said so beside the field."""
    form = TrackForm(request.GET or None)
    if form.is_bound:
        refused = _track_limited(request)
        if refused:
            return refused
        if form.is_valid():
            code = form.cleaned_data["code"]
            if Opinion.objects.filter(code=code).exists():
                return redirect("opinions:track_detail", code=code)
            form.add_error(
                "code", _("No opinion has this code. Check the characters and try again.")
            )
    return render(request, "proposals/opinion_track.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def opinion_track_detail(request, code):
    refused = _track_limited(request)
    if refused:
        return refused
    clean = normalise_opinion_code(code)
    try:
        opinion = selectors.opinion_for_tracking(clean)
    except Opinion.DoesNotExist:
        form = TrackForm({"code": code})
        form.is_valid()
        form.add_error(None, _("No opinion has this code. Check the characters and try again."))
        return render(request, "proposals/opinion_track.html", {"form": form}, status=404)
    if clean != code:
        return redirect("opinions:track_detail", code=clean)
    rating_form = None
    # The rating is the resident's, and residents have no accounts: every login belongs to someone
    # who handles opinions (staff, unit clerks, deputies), so a logged-in session may not rate.
    signed_in = request.user.is_authenticated
    if signed_in and opinion.status == Opinion.Status.REPLIED and request.method == "POST":
        messages.error(request, _("Only the resident can rate an answer: log out to rate."))
        return render(
            request,
            "proposals/opinion_track_detail.html",
            _track_context(request, opinion, rating_form=None, signed_in=True),
            status=403,
        )
    if not signed_in and opinion.status == Opinion.Status.REPLIED:
        rating_form = RatingForm(request.POST or None)
        if request.method == "POST" and rating_form.is_valid():
            try:
                opinion_rate(
                    opinion=opinion,
                    rating=rating_form.cleaned_data["rating"],
                    comment=rating_form.cleaned_data["comment"],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Thank you. Your rating was recorded."))
            return redirect("opinions:track_detail", code=opinion.code)
    elif request.method == "POST":
        messages.error(request, _("This opinion is not waiting for a rating."))
        return redirect("opinions:track_detail", code=opinion.code)
    return render(
        request,
        "proposals/opinion_track_detail.html",
        _track_context(request, opinion, rating_form=rating_form, signed_in=signed_in),
    )


def _track_context(request, opinion, *, rating_form, signed_in) -> dict:
    return {
        "opinion": opinion,
        "just_sent": request.GET.get("new") == "1",
        "timeline": selectors.public_timeline(opinion),
        "replies": selectors.public_replies(opinion),
        "photo_count": opinion.photos.count(),
        "rating_form": rating_form,
        "rating_refused": signed_in and opinion.status == Opinion.Status.REPLIED,
    }


@cached_page(depends=["opinions", "stations"])
def opinion_stats(request):
    """/opinions/stats/: received, closed, closure rate and satisfaction, with filters."""
    form = StatsFilterForm(request.GET or None)
    accept_params(request, form.fields)
    filters = {}
    if form.is_bound:
        if not form.is_valid():
            request.invalid_filter_form = form
            raise BadRequest("invalid filter")
        filters = {k: v for k, v in form.cleaned_data.items() if v is not None}
    return render(
        request,
        "proposals/opinion_stats.html",
        {"form": form, "stats": selectors.opinion_stats(**filters), "filters": filters},
    )


def _qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=10, border=2, dark="#000", light="#fff")


@cached_page(depends=["stations"])
def station_poster(request, pk):
    """An A4 poster for the station's wall: its name, QR code, opening hours and how to use it."""
    from weasyprint import HTML

    try:
        station = LiaisonStation.objects.filter(active=True).select_related("town").get(pk=pk)
    except LiaisonStation.DoesNotExist:
        raise Http404 from None
    url = opinion_form_url(request, station=station.pk)
    language = translation.get_language()
    key = (
        "opinion-poster:"
        + hashlib.sha256(
            repr(
                (
                    station.pk,
                    station.name,
                    station.address,
                    station.opening_hours,
                    station.phone,
                    url,
                    language,
                )
            ).encode()
        ).hexdigest()
    )
    pdf = shared.get(key)
    if pdf is None:
        html = render_to_string(
            "proposals/poster.html",
            {"station": station, "qr_svg": _qr_svg(url), "url": url},
            request,
        )
        pdf = HTML(string=html, base_url=str(settings.BASE_DIR / "static") + "/").write_pdf()
        shared.set(key, pdf, 3600)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{station.pk}.pdf"'
    return response
