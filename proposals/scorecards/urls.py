"""The handling units' scorecards (承办单位考评): public pages, namespace `scorecards`."""

from django.urls import path

from proposals.scorecards import views

app_name = "scorecards"

urlpatterns = [
    path("units/scorecards/", views.scorecard_years, name="years"),
    path("units/scorecards/<int:year>/", views.scorecard_year, name="year"),
    path("units/scorecards/<int:year>/<int:pk>/", views.scorecard_unit, name="unit"),
]
