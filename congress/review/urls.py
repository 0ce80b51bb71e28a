"""/reviews/ · /reviews/<year>/ · /reviews/<year>.pdf (DESIGN.md's URL table) and the staff preview."""

from django.urls import path

from congress.review import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.review_list, name="list"),
    path("reviews/<int:year>/", views.review_detail, name="detail"),
    path("reviews/<int:year>.pdf", views.review_pdf, name="pdf"),
    path("reviews/<int:year>/preview/", views.review_preview, name="preview"),
]
