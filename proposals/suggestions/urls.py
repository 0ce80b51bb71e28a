"""Suggestions (建议): the public register and the deputy's workspace pages.

The addresses are printed in mails and linked from outside (DESIGN.md's URL table): keep them
stable. Only the names moved into the `suggestions:` namespace.
"""

from django.urls import path

from proposals import files
from proposals.suggestions import portal, views

app_name = "suggestions"

urlpatterns = [
    # Public
    path("suggestions/", views.SuggestionListView.as_view(), name="list"),
    path("suggestions/stats/", views.suggestion_stats, name="stats"),
    path("suggestions/export.csv", views.suggestion_export, name="export"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="detail"),
    path("suggestions/carried-over/", views.ledger_index, name="carried_over_index"),
    path("suggestions/carried-over/<int:year>/", views.ledger, name="carried_over"),
    # An attachment, served only to the item's people (proposals/files.py)
    path("files/suggestion-attachment/<int:pk>/", files.attachment_file, name="attachment"),
    # Deputy workspace
    path("portal/suggestions/", portal.suggestions, name="portal_list"),
    path("portal/suggestions/new/", portal.suggestion_new, name="portal_new"),
    path("portal/suggestions/<int:pk>/", portal.suggestion_detail, name="portal_detail"),
    path("portal/suggestions/<int:pk>/edit/", portal.suggestion_edit, name="portal_edit"),
    path(
        "portal/suggestions/<int:pk>/form.pdf", portal.suggestion_form_pdf, name="portal_form_pdf"
    ),
    path("portal/suggestions/<int:pk>/submit/", portal.suggestion_submit, name="portal_submit"),
    path("portal/replies/<int:pk>/rate/", portal.reply_rate, name="portal_reply_rate"),
    path(
        "portal/suggestions/<int:pk>/contacts/<int:contact_pk>/answer/",
        portal.contact_answer,
        name="portal_contact_answer",
    ),
]
