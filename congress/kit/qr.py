"""Printable QR codes (segno) that open the residents' opinion form."""

import io

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode


def opinion_form_url(request: HttpRequest, **params: str | int) -> str:
    """The absolute opinion-form URL for a station or deputy, e.g. /opinions/new/?station=3."""
    path = f"{reverse('opinions:new')}?{urlencode(params)}"
    if settings.SITE_URL:
        return str(settings.SITE_URL) + path
    return request.build_absolute_uri(path)


def qr_svg_response(url: str, title: str) -> HttpResponse:
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    # A standalone document (with its namespace), so that it works in <img> and prints as is.
    qr.save(buffer, kind="svg", scale=8, border=4, title=title, dark="#000", light="#fff")
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
