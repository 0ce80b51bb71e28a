"""The admin's "view on site" shortcut (/admin/r/<content type>/<id>/), without its side doors.

Django's own shortcut redirects any staff login to any object's `get_absolute_url()`, with no
permission check: for a model whose URL is a capability (a resident's opinion: its URL carries
the tracking code) that hands out the secret. Here:

- a model that declares `url_is_capability = True` has no shortcut at all (404);
- for the others the object must be one the user may view in the admin (the model is registered,
  the object is in the admin's own, scoped queryset and `has_view_permission` says yes), else 404
  — the same answer as for an object that does not exist, so ids cannot be probed;
- each user may follow it at most VIEW_ON_SITE_RATE_PER_USER times per
  VIEW_ON_SITE_RATE_SECONDS (a 429 page beyond).
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from congress.kit import ratelimit
from congress.kit.rules import rule


def view_on_site(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
    seconds = rule("VIEW_ON_SITE_RATE_SECONDS")
    if not ratelimit.hit(
        "admin-view-on-site",
        str(request.user.pk),
        limit=rule("VIEW_ON_SITE_RATE_PER_USER"),
        seconds=seconds,
    ):
        response = render(
            request,
            "admin/view_on_site_429.html",
            {"minutes": max(1, seconds // 60)},
            status=429,
        )
        response["Retry-After"] = str(seconds)
        return response
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
    except (ValueError, ObjectDoesNotExist):
        raise Http404 from None
    if model is None:
        raise Http404
    model_admin = admin.site._registry.get(model)
    if (
        model_admin is None
        or getattr(model, "url_is_capability", False)
        or not hasattr(model, "get_absolute_url")
    ):
        raise Http404
    try:
        obj = model_admin.get_queryset(request).get(pk=object_id)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if not model_admin.has_view_permission(request, obj):
        raise Http404
    return HttpResponseRedirect(obj.get_absolute_url())
