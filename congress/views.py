"""Site-wide views: home, health check and the error pages."""

from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from deputies import selectors as deputy_selectors


def home(request):
    context = deputy_selectors.home_figures()
    return render(request, "home.html", context)


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request, exception=None, template_name="400.html"):
    body = loader.render_to_string(template_name, {"exception": exception}, request)
    return HttpResponseBadRequest(body)


def page_not_found(request, exception=None, template_name="404.html"):
    return render(request, template_name, status=404)


def server_error(request, template_name="500.html"):
    # No context processors: the database may be what failed.
    body = loader.get_template(template_name).render({})
    return HttpResponse(body, status=500)
