"""/open-data/ · /open-data/<dataset>.csv · /open-data/<dataset>.json"""

from django.urls import path, re_path

from congress.opendata import views

app_name = "opendata"

urlpatterns = [
    path("open-data/", views.index, name="index"),
    re_path(
        r"^open-data/(?P<slug>[a-z0-9-]+)\.(?P<fmt>csv|json)$", views.download, name="download"
    ),
]
