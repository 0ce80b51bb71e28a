"""Site-wide views: home, health check and the error pages."""

from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render, resolve_url
from django.template import loader
from django.views.decorators.cache import never_cache

from congress.kit import home as home_blocks
from congress.kit.pagecache import cached_page, remember
from congress.kit.sharedcache import shared


@cached_page(depends=["deputies", "stations", "suggestions"])
def home(request):
    # The apps' figures and blocks (congress.kit.home), the same for everyone until the next write
    # (congress.kit.pagecache).
    return render(request, "home.html", remember("home", home_blocks.context))


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers.

    The shared cache is optional (congress.kit.sharedcache): without it the answer is still 200,
    with "cache": "degraded" for monitoring to pick up. No database: the 503 page
    (DatabaseUnavailableMiddleware).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    cache_ok = shared.ping()
    body = {
        "status": "ok" if cache_ok else "degraded",
        "database": "ok",
        "cache": "ok" if cache_ok else "degraded",
    }
    return JsonResponse(body)


def bad_request(request, exception=None, template_name="400.html"):
    body = loader.render_to_string(template_name, {"exception": exception}, request)
    return HttpResponseBadRequest(body)


def page_not_found(request, exception=None, template_name="404.html"):
    return render(request, template_name, status=404)


def server_error(request, template_name="500.html"):
    # No context processors: the database may be what failed.
    body = loader.get_template(template_name).render({})
    return HttpResponse(body, status=500)


class RoleLoginView(LoginView):
    """/accounts/login/ without a `next`: a deputy lands in the workspace, staff and unit clerks in
    the admin's to-do page, anyone else on the home page (LOGIN_REDIRECT_URL)."""

    def get_default_redirect_url(self):
        if self.next_page:
            return resolve_url(self.next_page)
        user = self.request.user
        if getattr(user, "deputy", None) is not None:
            return resolve_url("deputies:portal")
        if user.is_staff:
            return resolve_url("admin:index")
        return super().get_default_redirect_url()
