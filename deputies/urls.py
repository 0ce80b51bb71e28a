from django.urls import path

from deputies import portal, views

app_name = "deputies"

urlpatterns = [
    path("deputies/", views.DeputyListView.as_view(), name="list"),
    path("deputies/<int:pk>/", views.deputy_detail, name="detail"),
    path("deputies/<int:pk>/qr.svg", views.deputy_qr, name="qr"),
    path("deputies/<int:pk>/record-<int:year>.pdf", views.deputy_record_pdf, name="record_pdf"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/<int:pk>/", views.station_detail, name="station_detail"),
    path("stations/<int:pk>/qr.svg", views.station_qr, name="station_qr"),
    path("portal/", portal.home, name="portal"),
    path("portal/activities/", portal.activities, name="portal_activities"),
    path(
        "portal/stations/<int:pk>/reception-session/",
        portal.reception_session,
        name="portal_reception_session",
    ),
]
