"""The back office of motions (议案): the presidium's decision, resolutions, progress, inspections."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.kit import workflow
from congress.kit.admin import ReadOnlyInline
from proposals.access import OfficeOnly, is_office
from proposals.adminkit import SignatureInline, TimelineInline, apply_to_each, form_action
from proposals.models import (
    Motion,
    MotionInspection,
    MotionProgressReport,
)
from proposals.motions import services as motion_services


class ResolutionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, label=gettext_lazy("resolution"))
    adopted_on = forms.DateField(label=gettext_lazy("resolution adopted on"))


class InspectionForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("date"))
    title = forms.CharField(max_length=200, label=gettext_lazy("title"))
    note = forms.CharField(widget=forms.Textarea, required=False, label=gettext_lazy("findings"))


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
class MotionAdmin(OfficeOnly, admin.ModelAdmin):
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
    readonly_fields = [
        "code",
        "number",
        "status",
        "review_outcome",
        "review_note",
        "reviewed_at",
        "lead",
        "term",
        "session",
        "resolution_text",
        "resolution_date",
        "resolution_meeting",
        "submitted_at",
        "withdrawn_at",
        "closed_at",
    ]
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

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        return workflow.filter_admin_actions(request, actions, Motion, self.workflow_actions)

    def has_change_permission(self, request, obj=None):
        return is_office(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(status=Motion.Status.DRAFT)

    @admin.action(description=gettext_lazy("List as a congress motion"))
    def list_motion(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda m: motion_services.motion_list(motion=m, by=request.user),
            _("%(count)s motions listed."),
        )

    @admin.action(description=gettext_lazy("Do not list"))
    def not_list(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda m: motion_services.motion_not_list(motion=m, by=request.user),
            _("%(count)s motions not listed."),
        )

    @admin.action(description=gettext_lazy("Handle as suggestions, keeping the signers"))
    def convert(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda m: motion_services.motion_convert_to_suggestion(motion=m, by=request.user),
            _("%(count)s motions converted into suggestions."),
        )

    @admin.action(description=gettext_lazy("Record the resolution…"))
    def record_resolution(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=ResolutionForm,
            title=_("Record the resolution"),
            call=lambda m, data: motion_services.motion_record_resolution(
                motion=m, text=data["text"], adopted_on=data["adopted_on"], by=request.user
            ),
            done_message=_("%(count)s resolutions recorded."),
        )

    @admin.action(description=gettext_lazy("Record an implementation inspection…"))
    def record_inspection(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=InspectionForm,
            title=_("Record an implementation inspection"),
            call=lambda m, data: motion_services.motion_record_inspection(
                motion=m, on=data["on"], title=data["title"], note=data["note"], by=request.user
            ),
            done_message=_("%(count)s inspections recorded."),
        )

    @admin.action(description=gettext_lazy("Close"))
    def close(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda m: motion_services.motion_close(motion=m, by=request.user),
            _("%(count)s motions closed."),
        )
