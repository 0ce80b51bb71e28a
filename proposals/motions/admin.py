"""The back office of motions (议案): the presidium's decision, resolutions, progress, inspections."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from congress.kit.admin import ReadOnlyInline, ServiceActions, service_action
from proposals.access import OfficeOnly, is_office
from proposals.adminkit import SignatureInline, TimelineInline
from proposals.models import (
    Motion,
    MotionInspection,
    MotionProgressReport,
)
from proposals.motions import services as motion_services


class ResolutionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, label=_("resolution"))
    adopted_on = forms.DateField(label=_("resolution adopted on"))


class InspectionForm(forms.Form):
    on = forms.DateField(label=_("date"))
    title = forms.CharField(max_length=200, label=_("title"))
    note = forms.CharField(widget=forms.Textarea, required=False, label=_("findings"))


class MotionSignatureInline(SignatureInline):
    fk_name = "motion"


# -- motions ----------------------------------------------------------------------------------------


class InspectionInline(ReadOnlyInline):
    model = MotionInspection
    fields = ["date", "title", "note"]
    readonly_fields = fields


class ProgressInline(ReadOnlyInline):
    model = MotionProgressReport
    fields = ["date", "organisation", "text"]
    readonly_fields = fields


@admin.register(Motion)
class MotionAdmin(OfficeOnly, ServiceActions, admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "lead",
        "session",
        "status",
        "review_outcome",
        "resolution_date",
    ]
    list_display_links = ["code", "title"]
    list_filter = ["status", "review_outcome", "session"]
    list_select_related = ["lead", "session__term"]
    search_fields = ["code", "title", "lead__name"]
    fields = [
        "code",
        "status",
        "title",
        "lead",
        "session",
        "reason",
        "grounds",
        "proposal",
        "is_public",
        "review_outcome",
        "review_note",
        "reviewed_at",
        "resolution_text",
        "resolution_date",
        "resolution_meeting",
        "submitted_at",
        "withdrawn_at",
        "closed_at",
    ]
    # The office may correct the wording and publishing; every other field is the services'.
    readonly_fields = [
        f for f in fields if f not in ("title", "reason", "grounds", "proposal", "is_public")
    ]
    inlines = [MotionSignatureInline, ProgressInline, InspectionInline, TimelineInline]
    actions = [
        "list_motion",
        "not_list",
        "convert",
        "record_resolution",
        "record_inspection",
        "close",
    ]

    # What each bulk action does by the model's maps: (target status, step it needs).
    workflow_actions = {
        "list_motion": (Motion.Status.LISTED,),
        "not_list": (Motion.Status.NOT_LISTED,),
        "convert": (Motion.Status.CONVERTED,),
        "record_resolution": (Motion.Status.RESOLVED,),
        "record_inspection": (None, "inspection"),
        "close": (Motion.Status.CLOSED,),
    }

    def has_change_permission(self, request, obj=None):
        return is_office(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(status=Motion.Status.DRAFT)

    # The back-office steps, one a row: the service (called with motion=row, by=the user and the
    # form's fields), the action's name, what is said when done, the form asked for first.
    service_target = "motion"
    # fmt: off
    list_motion = service_action(motion_services.motion_list, _("List as a congress motion"), _("%(count)s motions listed."))
    not_list = service_action(motion_services.motion_not_list, _("Do not list"), _("%(count)s motions not listed."))
    convert = service_action(motion_services.motion_convert_to_suggestion, _("Handle as suggestions, keeping the signers"), _("%(count)s motions converted into suggestions."))
    record_resolution = service_action(motion_services.motion_record_resolution, _("Record the resolution…"), _("%(count)s resolutions recorded."), form=ResolutionForm, title=_("Record the resolution"))
    record_inspection = service_action(motion_services.motion_record_inspection, _("Record an implementation inspection…"), _("%(count)s inspections recorded."), form=InspectionForm, title=_("Record an implementation inspection"))
    close = service_action(motion_services.motion_close, _("Close"), _("%(count)s motions closed."))
    # fmt: on
