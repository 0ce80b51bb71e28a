from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.SupervisionListView.as_view(), name="item_list"),
    path("supervision/<int:pk>/", views.item_detail, name="item_detail"),
    path("projects/", views.project_years, name="project_years"),
    path("projects/<int:year>/", views.project_year, name="project_year"),
    path("portal/votes/", views.vote_list, name="vote_list"),
    path("portal/votes/<int:pk>/", views.vote_ballot, name="vote"),
    path("portal/votes/<int:pk>/cast/", views.vote_cast, name="vote_cast"),
    path("portal/votes/<int:pk>/done/", views.vote_done, name="vote_done"),
]
