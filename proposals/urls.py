"""Public and portal URLs of the proposals app: suggestions and motions, residents' opinions."""

from django.urls import include, path

urlpatterns = [
    path("", include("proposals.urls_suggestions")),
    path("", include("proposals.urls_opinions")),
]
