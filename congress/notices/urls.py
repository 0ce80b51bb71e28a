from django.urls import path

from congress.notices import views

app_name = "notices"

urlpatterns = [
    path("notices/", views.inbox, name="inbox"),
    path("notices/<int:pk>/read/", views.mark_read, name="read"),
    path("notices/read-all/", views.mark_all_read, name="read_all"),
    path("notices/preferences/", views.preferences, name="preferences"),
    path("n/<str:code>/", views.short_link, name="link"),
]
