"""Root URLs. Public pages are in Chinese at / and in English under /en/ (DESIGN.md's URL table)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from congress import views
from congress.kit import media, view_on_site

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER
admin.site.index_title = settings.ADMIN_SITE_HEADER
admin.site.index_template = "admin/todo_index.html"  # the day's work first (congress/kit/todo.py)

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", views.healthz, name="healthz"),
    # Uploaded files: only those a public record points at, only images and PDFs.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve_public_media, name="media"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("deputies.urls")),
    path("", include("proposals.suggestions.urls")),
    path("", include("proposals.motions.urls")),
    path("", include("proposals.opinions.urls")),
    path("", include("proposals.urls")),
    path("", include("proposals.scorecards.urls")),
    path("", include("supervision.urls")),
    path("", include("congress.review.urls")),
    path("", include("congress.opendata.urls")),
    path("", include("congress.notices.urls")),
    path("accounts/login/", views.RoleLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before the admin's own "view on site" route, which checks no permission (view_on_site.py).
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site.view_on_site),
    ),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler400 = "congress.views.bad_request"
handler404 = "congress.views.page_not_found"
handler500 = "congress.views.server_error"
