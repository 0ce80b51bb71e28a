"""The budget register's pages (included in supervision.urls, so named supervision:budget_…)."""

from django.urls import path

from supervision.budget import portal, views

urlpatterns = [
    path("supervision/budget/<int:year>/", views.budget_year, name="budget_year"),
    path("portal/budget/", portal.budget, name="budget_portal"),
    path("portal/budget/<int:year>/draft/", portal.draft, name="budget_draft"),
    path(
        "portal/budget/questions/<int:pk>/send/", portal.question_send, name="budget_question_send"
    ),
]
