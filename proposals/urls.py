"""Public and portal URLs of the proposals app: suggestions and motions, residents' opinions."""

from django.urls import include, path

urlpatterns = [
    path("", include("proposals.suggestions.urls")),
    path("", include("proposals.opinions.urls")),
]
