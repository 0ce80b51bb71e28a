"""Public and portal URLs of suggestions and motions (DESIGN.md's URL table: keep them stable)."""

from django.urls import path

from proposals import files, portal
from proposals.motions import portal as motion_portal
from proposals.suggestions import portal as suggestion_portal
from proposals.suggestions import views as public_views

urlpatterns = [
    # Public
    path("suggestions/", public_views.SuggestionListView.as_view(), name="suggestion_list"),
    path("suggestions/stats/", public_views.suggestion_stats, name="suggestion_stats"),
    path("suggestions/export.csv", public_views.suggestion_export, name="suggestion_export"),
    path("suggestions/<int:pk>/", public_views.suggestion_detail, name="suggestion_detail"),
    path("motions/", public_views.MotionListView.as_view(), name="motion_list"),
    path("motions/<int:pk>/", public_views.motion_detail, name="motion_detail"),
    # Private files, served only to the item's people (proposals/files.py)
    path(
        "files/suggestion-attachment/<int:pk>/",
        files.attachment_file,
        name="file_suggestion_attachment",
    ),
    path("files/reply-letter/<int:pk>/", files.reply_letter, name="file_reply_letter"),
    # Deputy portal
    path("portal/suggestions/", suggestion_portal.suggestions, name="portal_suggestions"),
    path("portal/suggestions/new/", suggestion_portal.suggestion_new, name="portal_suggestion_new"),
    path(
        "portal/suggestions/<int:pk>/",
        suggestion_portal.suggestion_detail,
        name="portal_suggestion",
    ),
    path(
        "portal/suggestions/<int:pk>/edit/",
        suggestion_portal.suggestion_edit,
        name="portal_suggestion_edit",
    ),
    path(
        "portal/suggestions/<int:pk>/form.pdf",
        suggestion_portal.suggestion_form_pdf,
        name="portal_suggestion_form_pdf",
    ),
    path(
        "portal/suggestions/<int:pk>/submit/",
        suggestion_portal.suggestion_submit,
        name="portal_suggestion_submit",
    ),
    path("portal/cosigners/search/", portal.cosigner_search, name="portal_cosigner_search"),
    path("portal/signatures/<int:pk>/", portal.signature_answer, name="portal_signature"),
    path("portal/replies/<int:pk>/rate/", suggestion_portal.reply_rate, name="portal_reply_rate"),
    path("portal/motions/", motion_portal.motions, name="portal_motions"),
    path("portal/motions/new/", motion_portal.motion_new, name="portal_motion_new"),
    path("portal/motions/<int:pk>/", motion_portal.motion_detail, name="portal_motion"),
    path("portal/motions/<int:pk>/edit/", motion_portal.motion_edit, name="portal_motion_edit"),
    path(
        "portal/motions/<int:pk>/submit/", motion_portal.motion_submit, name="portal_motion_submit"
    ),
]
