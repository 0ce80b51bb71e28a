"""Motions (议案): the public list and the deputy's workspace pages. Addresses kept stable."""

from django.urls import path

from proposals.motions import portal
from proposals.suggestions import views

app_name = "motions"

urlpatterns = [
    # Public (the motion pages share the suggestions' public views module)
    path("motions/", views.MotionListView.as_view(), name="list"),
    path("motions/<int:pk>/", views.motion_detail, name="detail"),
    # Deputy workspace
    path("portal/motions/", portal.motions, name="portal_list"),
    path("portal/motions/new/", portal.motion_new, name="portal_new"),
    path("portal/motions/<int:pk>/", portal.motion_detail, name="portal_detail"),
    path("portal/motions/<int:pk>/edit/", portal.motion_edit, name="portal_edit"),
    path("portal/motions/<int:pk>/submit/", portal.motion_submit, name="portal_submit"),
]
