from django.urls import include, path

from supervision import files, views
from supervision.filing import views as filing_views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.SupervisionListView.as_view(), name="item_list"),
    path("supervision/<int:pk>/", views.item_detail, name="item_detail"),
    path("", include("supervision.budget.urls")),
    # Papers of items not yet public, for the back office (supervision/files.py)
    path("files/supervision-document/<int:pk>/", files.document_file, name="file_document"),
    path("files/rectification-report/<int:pk>/", files.report_file, name="file_report"),
    path("filing/", filing_views.FilingListView.as_view(), name="filing_list"),
    path("filing/<int:pk>/", filing_views.document_detail, name="filing_detail"),
    path("filing/suggest/", filing_views.suggestion_new, name="filing_suggestion_new"),
    path("filing/track/", filing_views.suggestion_track, name="filing_track"),
    path(
        "filing/track/<str:code>/",
        filing_views.suggestion_track_detail,
        name="filing_suggestion_track",
    ),
    path("projects/", views.project_years, name="project_years"),
    path("projects/<int:year>/", views.project_year, name="project_year"),
    path("portal/votes/", views.vote_list, name="vote_list"),
    path("portal/votes/<int:pk>/", views.vote_ballot, name="vote"),
    path("portal/votes/<int:pk>/cast/", views.vote_cast, name="vote_cast"),
    path("portal/votes/<int:pk>/done/", views.vote_done, name="vote_done"),
]
