"""Residents' opinions: public pages (the QR form, tracking, statistics, posters) and the portal.

The QR codes and posters printed for stations and deputies point at /opinions/new/ and the
tracking page: keep these addresses stable (only the names moved, into `opinions:`).
"""

from django.urls import path

from proposals.opinions import entry as opinion_entry
from proposals.opinions import portal as opinion_portal
from proposals.opinions import views

app_name = "opinions"

urlpatterns = [
    path("opinions/start/", opinion_entry.opinion_start, name="start"),
    path("opinions/new/", views.opinion_new, name="new"),
    path("opinions/track/", views.opinion_track, name="track"),
    path("opinions/track/<str:code>/", views.opinion_track_detail, name="track_detail"),
    path("opinions/stats/", views.opinion_stats, name="stats"),
    path("stations/<int:pk>/poster.pdf", views.station_poster, name="station_poster"),
    path("portal/opinions/", opinion_portal.opinion_list, name="portal_list"),
    path(
        "portal/opinions/reception/",
        opinion_portal.reception_opinion_new,
        name="portal_new",
    ),
    path("portal/opinions/<int:pk>/", opinion_portal.opinion_detail, name="portal_detail"),
    path(
        "portal/opinions/<int:pk>/photos/<int:photo_pk>/",
        opinion_portal.opinion_photo,
        name="portal_photo",
    ),
]
