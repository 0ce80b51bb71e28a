"""Admin pieces the suggestion, motion and handling admins share: the co-signature and timeline
inlines, the private file link. Running a service from an action is congress/kit/admin.py's.
"""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from congress.kit.admin import ReadOnlyInline, ReadOnlyMixin
from proposals.access import PlainRelationsForClerks
from proposals.models import (
    Signature,
    Suggestion,
    TimelineEntry,
)

S = Suggestion.Status


# -- read-only inlines (their rows belong to the services) ----------------------------------------


class SignatureInline(PlainRelationsForClerks, ReadOnlyInline):
    model = Signature
    plain_relations = ("deputy",)
    fk_name = "suggestion"
    fields = ["deputy", "status", "requested_at", "responded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")


def file_link(url: str, name: str):
    """A link to a private file, served through proposals/files.py's checks."""
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, name)


class TimelineInline(PlainRelationsForClerks, ReadOnlyMixin, GenericTabularInline):
    model = TimelineEntry
    plain_relations = ("actor",)
    ct_field, ct_fk_field = "content_type", "object_id"
    extra = 0
    can_delete = False
    fields = ["at", "event", "actor", "actor_label", "note", "public"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return True

    @admin.display(description=gettext_lazy("event"))
    def event(self, obj):
        return obj.get_action_display()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")
