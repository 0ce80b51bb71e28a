from django.urls import path

from proposals import views

urlpatterns = [
    # The QR codes printed on stations and deputy cards open this address; keep it stable.
    path("opinions/new/", views.opinion_new, name="opinions_new"),
]
