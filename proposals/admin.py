"""Back office for suggestions and motions.

Committee staff review, register, assign, follow up and publish; every state change goes through
proposals.services (actions and small forms), and status fields are read-only here.

Handling-unit clerks (a login with a UnitMembership) see only the items assigned to their unit,
read-only, and on an item of theirs may record the reply, ask to send it back or ask for more time
— for their own unit's assignments only. Another unit's item answers as if it did not exist.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.adminkit import ReadOnlyInline, ReadOnlyMixin
from congress.errors import DomainError
from congress.importing import SheetAdmin
from congress.models import Organisation
from proposals import services
from proposals.models import (
    Assignment,
    ExtensionRequest,
    Feedback,
    Motion,
    MotionInspection,
    MotionProgressReport,
    Reply,
    ReturnRequest,
    Signature,
    SubmittedSuggestion,
    Suggestion,
    SuggestionAttachment,
    TimelineEntry,
    UnitMembership,
    reply_class_choices,
)
from proposals.resources import SuggestionResource

# -- who is who ---------------------------------------------------------------------------------


def is_office(user) -> bool:
    """Committee staff: may review, assign and decide. Clerks are not."""
    return user.is_active and (user.is_superuser or user.has_perm("proposals.handle_suggestion"))


def clerk_units(request) -> list[int]:
    """The units the user answers for (cached on the request)."""
    if not request.user.is_authenticated:  # the admin's own login page asks too
        return []
    if not hasattr(request, "_proposal_units"):
        request._proposal_units = list(
            UnitMembership.objects.filter(user=request.user).values_list(
                "organisation_id", flat=True
            )
        )
    return request._proposal_units


def is_clerk(request) -> bool:
    return not is_office(request.user) and bool(clerk_units(request))


# -- forms of the actions and clerk pages ---------------------------------------------------------


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(
        Organisation.objects.active(), label=gettext_lazy("lead unit")
    )
    co_units = forms.ModelMultipleChoiceField(
        Organisation.objects.active(), required=False, label=gettext_lazy("co-handling units")
    )
    on = forms.DateField(label=gettext_lazy("assigned on"), initial=timezone.localdate)


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Suggestion.RejectReason.choices, label=gettext_lazy("reason not registered")
    )
    note = forms.CharField(
        widget=forms.Textarea, required=False, label=gettext_lazy("explanation to the deputy")
    )


class KeyForm(forms.Form):
    leader = forms.CharField(max_length=100, label=gettext_lazy("supervising leader"))


class ReplyForm(forms.Form):
    reply_class = forms.ChoiceField(choices=reply_class_choices, label=gettext_lazy("class"))
    letter_number = forms.CharField(
        max_length=60, required=False, label=gettext_lazy("letter number")
    )
    replied_on = forms.DateField(label=gettext_lazy("replied on"), initial=timezone.localdate)
    text = forms.CharField(widget=forms.Textarea, label=gettext_lazy("text"))
    file = forms.FileField(required=False, label=gettext_lazy("signed letter"))
    followup = forms.BooleanField(required=False, label=gettext_lazy("follow-up reply"))


class ReturnForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, label=gettext_lazy("reason"))
    proposed_unit = forms.ModelChoiceField(
        Organisation.objects.active(), required=False, label=gettext_lazy("proposed unit")
    )


class ExtensionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, label=gettext_lazy("reason"))
    new_due_date = forms.DateField(label=gettext_lazy("requested due date"))


class ResolutionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, label=gettext_lazy("resolution"))
    adopted_on = forms.DateField(label=gettext_lazy("resolution adopted on"))


class InspectionForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("date"))
    title = forms.CharField(max_length=200, label=gettext_lazy("title"))
    note = forms.CharField(widget=forms.Textarea, required=False, label=gettext_lazy("findings"))


def run_service(request, call, success: str | None = None) -> bool:
    """Call a service, turning a DomainError into an admin error message."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success)
    return True


def apply_to_each(modeladmin, request, queryset, call, done_message: str):
    done = 0
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


def form_action(modeladmin, request, queryset, *, form_class, title, call, done_message):
    """An action with an intermediate page: show the form, then apply the service to each row."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            apply_to_each(
                modeladmin,
                request,
                queryset,
                lambda obj: call(obj, form.cleaned_data),
                done_message,
            )
            return None
    else:
        form = form_class()
    return TemplateResponse(
        request,
        "admin/proposals/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action"),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


# -- read-only inlines (their rows belong to the services) ----------------------------------------


class SignatureInline(ReadOnlyInline):
    model = Signature
    fk_name = "suggestion"
    fields = ["deputy", "status", "requested_at", "responded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")


class MotionSignatureInline(SignatureInline):
    fk_name = "motion"


class AttachmentInline(ReadOnlyInline):
    model = SuggestionAttachment
    fields = ["file", "original_name", "size", "uploaded_at"]
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["organisation", "role", "assigned_at", "due_date", "accepted_at", "active"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = [
        "organisation",
        "reply_class",
        "letter_number",
        "replied_at",
        "is_followup",
        "published_at",
        "text",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class FeedbackInline(ReadOnlyInline):
    model = Feedback
    fields = ["rater", "reply", "process_rating", "result_rating", "comment", "given_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rater", "reply__organisation")


class TimelineInline(ReadOnlyMixin, GenericTabularInline):
    model = TimelineEntry
    ct_field, ct_fk_field = "content_type", "object_id"
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "actor_label", "note", "public"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


# -- suggestions ------------------------------------------------------------------------------------

STATE_FIELDS = [
    "status",
    "code",
    "number",
    "term",
    "session",
    "year",
    "lead",
    "is_public",
    "reject_reason",
    "decision_note",
    "merged_into",
    "converted_to",
    "from_motion",
    "key_supervision",
    "key_leader",
    "look_back",
    "tracking",
    "rehandle_count",
    "created_at",
    "submitted_at",
    "reviewed_at",
    "registered_at",
    "assigned_at",
    "replied_at",
    "closed_at",
    "withdrawn_at",
]


@admin.register(Suggestion)
class SuggestionAdmin(SheetAdmin):
    resource_classes = [SuggestionResource]
    list_display = [
        "code",
        "title",
        "lead",
        "category",
        "status",
        "lead_unit",
        "due_date",
        "key_supervision",
        "look_back",
    ]
    list_display_links = ["code", "title"]
    list_filter = [
        "status",
        "session",
        "year",
        "category",
        "key_supervision",
        "look_back",
        "tracking",
    ]
    list_select_related = ["lead", "category"]
    search_fields = ["code", "title", "lead__name"]
    autocomplete_fields = ["category"]
    readonly_fields = STATE_FIELDS
    fieldsets = [
        (None, {"fields": ["code", "status", "title", "body", "category", "lead"]}),
        (gettext_lazy("Session"), {"fields": ["term", "session", "year", "number"]}),
        (
            gettext_lazy("Review"),
            {
                "fields": [
                    "reject_reason",
                    "decision_note",
                    "merged_into",
                    "converted_to",
                    "from_motion",
                ]
            },
        ),
        (
            gettext_lazy("Supervision"),
            {
                "fields": [
                    "is_public",
                    "key_supervision",
                    "key_leader",
                    "look_back",
                    "tracking",
                    "rehandle_count",
                ]
            },
        ),
        (
            gettext_lazy("Milestones"),
            {
                "fields": [
                    "created_at",
                    "submitted_at",
                    "reviewed_at",
                    "registered_at",
                    "assigned_at",
                    "replied_at",
                    "closed_at",
                    "withdrawn_at",
                ]
            },
        ),
    ]
    inlines = [
        SignatureInline,
        AttachmentInline,
        AssignmentInline,
        ReplyInline,
        FeedbackInline,
        TimelineInline,
    ]
    actions = [
        "register",
        "reject",
        "assign",
        "flag_key",
        "flag_look_back",
        "rehandle",
        "close",
    ]
    list_per_page = 50

    # Scope: clerks see their units' items only, and never drafts.
    def get_queryset(self, request):
        lead = Assignment.objects.filter(
            suggestion=OuterRef("pk"), active=True, role=Assignment.Role.LEAD
        )
        queryset = (
            super()
            .get_queryset(request)
            .exclude(status=Suggestion.Status.DRAFT)
            .annotate(
                lead_unit_name=Subquery(lead.values("organisation__name")[:1]),
                lead_due_date=Subquery(lead.values("due_date")[:1]),
            )
        )
        if is_office(request.user):
            return queryset
        return queryset.for_unit(clerk_units(request))

    @admin.display(description=gettext_lazy("lead unit"), ordering="lead_unit_name")
    def lead_unit(self, obj):
        return obj.lead_unit_name or "—"

    @admin.display(description=gettext_lazy("reply due"), ordering="lead_due_date")
    def due_date(self, obj):
        return obj.lead_due_date or "—"

    def has_module_permission(self, request):
        return super().has_module_permission(request) or is_clerk(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or is_clerk(request)

    def has_add_permission(self, request):
        return False  # drafts come from the deputy portal, past registers from an import

    def has_change_permission(self, request, obj=None):
        return is_office(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_import_permission(self, request):
        return is_office(request.user) and super().has_import_permission(request)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        if not is_office(request.user):
            return {}
        return super().get_actions(request, action_location)

    # Actions (office)
    @admin.action(description=gettext_lazy("Register the selected suggestions (立案)"))
    def register(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset.order_by("submitted_at", "pk"),
            lambda s: services.suggestion_register(suggestion=s, by=request.user),
            _("%(count)s suggestions registered."),
        )

    @admin.action(description=gettext_lazy("Do not register (不予立案)…"))
    def reject(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=RejectForm,
            title=_("Do not register"),
            call=lambda s, data: services.suggestion_reject(
                suggestion=s, reason=data["reason"], note=data["note"], by=request.user
            ),
            done_message=_("%(count)s suggestions not registered."),
        )

    @admin.action(description=gettext_lazy("Assign to handling units (交办)…"))
    def assign(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=AssignForm,
            title=_("Assign to handling units"),
            call=lambda s, data: services.suggestion_assign(
                suggestion=s,
                lead_unit=data["lead_unit"],
                co_units=data["co_units"],
                on=data["on"],
                by=request.user,
            ),
            done_message=_("%(count)s suggestions assigned."),
        )

    @admin.action(description=gettext_lazy("Mark for key supervision (重点督办)…"))
    def flag_key(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=KeyForm,
            title=_("Mark for key supervision"),
            call=lambda s, data: services.suggestion_flag_key(
                suggestion=s, leader=data["leader"], by=request.user
            ),
            done_message=_("%(count)s suggestions marked for key supervision."),
        )

    @admin.action(description=gettext_lazy("Mark for the look-back review (回头看)"))
    def flag_look_back(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda s: services.suggestion_flag_look_back(suggestion=s, by=request.user),
            _("%(count)s suggestions marked for the look-back review."),
        )

    @admin.action(description=gettext_lazy("Send back for handling again (重办)"))
    def rehandle(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda s: services.suggestion_rehandle(suggestion=s, by=request.user),
            _("%(count)s suggestions sent back for handling again."),
        )

    @admin.action(description=gettext_lazy("Close (办结)"))
    def close(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda s: services.suggestion_close(suggestion=s, by=request.user),
            _("%(count)s suggestions closed."),
        )

    # Clerk pages: reply, return, extension — for an assignment of the clerk's own unit.
    def get_urls(self):
        if self.model is not Suggestion:
            return super().get_urls()
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/reply/", wrap(self.reply_view), name="proposals_suggestion_reply"),
            path("<int:pk>/return/", wrap(self.return_view), name="proposals_suggestion_return"),
            path("<int:pk>/extend/", wrap(self.extend_view), name="proposals_suggestion_extend"),
            *super().get_urls(),
        ]

    def _own_assignment(self, request, pk, *, lead_only=False) -> tuple[Suggestion, Assignment]:
        suggestion = get_object_or_404(self.get_queryset(request), pk=pk)
        assignments = suggestion.assignments.filter(active=True).select_related("organisation")
        if lead_only:
            assignments = assignments.filter(role=Assignment.Role.LEAD)
        if not is_office(request.user):
            assignments = assignments.filter(organisation_id__in=clerk_units(request))
        assignment = assignments.order_by("role").first()
        if assignment is None:
            if lead_only:
                raise PermissionDenied
            raise Http404
        return suggestion, assignment

    def _clerk_page(self, request, suggestion, form, title):
        return TemplateResponse(
            request,
            "admin/proposals/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "subtitle": str(suggestion),
                "form": form,
                "opts": self.model._meta,
                "original": suggestion,
                "multipart": True,
            },
        )

    def _back(self, suggestion):
        return HttpResponseRedirect(
            reverse("admin:proposals_suggestion_change", args=[suggestion.pk])
        )

    def reply_view(self, request, pk):
        suggestion, assignment = self._own_assignment(request, pk, lead_only=True)
        form = ReplyForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if run_service(
                request,
                lambda: services.reply_record(
                    suggestion=suggestion,
                    organisation=assignment.organisation,
                    reply_class=data["reply_class"],
                    letter_number=data["letter_number"],
                    text=data["text"],
                    file=data["file"],
                    replied_on=data["replied_on"],
                    followup=data["followup"],
                    by=request.user,
                ),
                _("The reply was recorded and the deputies told."),
            ):
                return self._back(suggestion)
        return self._clerk_page(request, suggestion, form, _("Record the reply"))

    def return_view(self, request, pk):
        suggestion, assignment = self._own_assignment(request, pk)
        form = ReturnForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if run_service(
                request,
                lambda: services.return_request(
                    assignment=assignment,
                    reason=form.cleaned_data["reason"],
                    proposed_unit=form.cleaned_data["proposed_unit"],
                    by=request.user,
                ),
                _("The request to send the item back was sent to the office."),
            ):
                return self._back(suggestion)
        return self._clerk_page(request, suggestion, form, _("Send the item back"))

    def extend_view(self, request, pk):
        suggestion, assignment = self._own_assignment(request, pk)
        form = ExtensionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if run_service(
                request,
                lambda: services.extension_request(
                    assignment=assignment,
                    reason=form.cleaned_data["reason"],
                    new_due_date=form.cleaned_data["new_due_date"],
                    by=request.user,
                ),
                _("The request for more time was sent to the office."),
            ):
                return self._back(suggestion)
        return self._clerk_page(request, suggestion, form, _("Ask for more time"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "unit_links": [
                (reverse(f"admin:proposals_suggestion_{name}", args=[object_id]), label)
                for name, label in (
                    ("reply", _("Record the reply")),
                    ("return", _("Send the item back")),
                    ("extend", _("Ask for more time")),
                )
            ]
            if str(object_id).isdigit() and self.model is Suggestion
            else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(SubmittedSuggestion)
class ReviewQueueAdmin(SuggestionAdmin):
    """The review queue: submitted suggestions, oldest first."""

    list_display = ["title", "lead", "category", "session", "submitted_at"]
    list_display_links = ["title"]
    list_filter = ["session", "category"]
    list_select_related = ["lead", "category", "session__term"]
    ordering = ["submitted_at", "pk"]
    actions = ["register", "reject", "merge_into", "convert"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Suggestion.Status.SUBMITTED)

    def has_module_permission(self, request):
        return is_office(request.user)

    def has_view_permission(self, request, obj=None):
        return is_office(request.user)

    def has_import_permission(self, request):
        return False

    def has_export_permission(self, request):
        return False

    @admin.action(description=gettext_lazy("Merge into another suggestion (并案)…"))
    def merge_into(self, request, queryset):
        class MergeForm(forms.Form):
            into = forms.ModelChoiceField(
                Suggestion.objects.exclude(status=Suggestion.Status.DRAFT).exclude(
                    pk__in=queryset.values("pk")
                ),
                label=_("merge into"),
            )

        return form_action(
            self,
            request,
            queryset,
            form_class=MergeForm,
            title=_("Merge into another suggestion"),
            call=lambda s, data: services.suggestion_merge(
                suggestion=s, into=data["into"], by=request.user
            ),
            done_message=_("%(count)s suggestions merged."),
        )

    @admin.action(description=gettext_lazy("Pass to another channel…"))
    def convert(self, request, queryset):
        class ConvertForm(forms.Form):
            channel = forms.CharField(max_length=100, label=_("handled through"))

        return form_action(
            self,
            request,
            queryset,
            form_class=ConvertForm,
            title=_("Pass to another channel"),
            call=lambda s, data: services.suggestion_convert(
                suggestion=s, channel=data["channel"], by=request.user
            ),
            done_message=_("%(count)s suggestions passed on."),
        )


# -- replies, requests ------------------------------------------------------------------------------


class OfficeOnly(ReadOnlyMixin):
    def has_module_permission(self, request):
        return is_office(request.user)

    def has_view_permission(self, request, obj=None):
        return is_office(request.user)


@admin.register(Reply)
class ReplyAdmin(OfficeOnly, admin.ModelAdmin):
    list_display = [
        "suggestion",
        "organisation",
        "reply_class",
        "replied_at",
        "is_followup",
        "published_at",
    ]
    list_filter = [
        "reply_class",
        "is_followup",
        ("published_at", admin.EmptyFieldListFilter),
        "organisation",
    ]
    list_select_related = ["suggestion", "organisation"]
    search_fields = ["suggestion__code", "suggestion__title", "letter_number"]
    actions = ["publish"]

    def get_queryset(self, request):
        # Replies to residents' opinions are shown on the opinion's own pages; publishing here
        # is the suggestions' disclosure step.
        return super().get_queryset(request).filter(suggestion__isnull=False)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        if not is_office(request.user):
            return {}
        return super().get_actions(request, action_location)

    @admin.action(description=gettext_lazy("Publish the selected replies"))
    def publish(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda r: services.reply_publish(reply=r, by=request.user),
            _("%(count)s replies published."),
        )


class DecisionAdmin(OfficeOnly, admin.ModelAdmin):
    list_filter = ["decision"]
    list_select_related = ["assignment__suggestion", "assignment__organisation"]
    search_fields = ["assignment__suggestion__code", "assignment__organisation__name"]
    actions = ["approve", "refuse"]
    decide = None  # the service

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        if not is_office(request.user):
            return {}
        return super().get_actions(request, action_location)

    @admin.display(description=gettext_lazy("suggestion"))
    def suggestion(self, obj):
        return obj.assignment.suggestion

    @admin.display(description=gettext_lazy("handling unit"))
    def unit(self, obj):
        return obj.assignment.organisation

    @admin.action(description=gettext_lazy("Approve"))
    def approve(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda r: type(self).decide(request=r, approve=True, by=request.user),
            _("%(count)s requests approved."),
        )

    @admin.action(description=gettext_lazy("Refuse"))
    def refuse(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda r: type(self).decide(request=r, approve=False, by=request.user),
            _("%(count)s requests refused."),
        )


@admin.register(ReturnRequest)
class ReturnRequestAdmin(DecisionAdmin):
    list_display = ["suggestion", "unit", "proposed_unit", "requested_at", "decision", "decided_at"]
    list_select_related = DecisionAdmin.list_select_related + ["proposed_unit"]
    decide = staticmethod(services.return_decide)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(DecisionAdmin):
    list_display = [
        "suggestion",
        "unit",
        "requested_due_date",
        "requested_at",
        "decision",
        "decided_at",
    ]
    decide = staticmethod(services.extension_decide)


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def has_module_permission(self, request):
        return is_office(request.user)


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
            lambda m: services.motion_list(motion=m, by=request.user),
            _("%(count)s motions listed."),
        )

    @admin.action(description=gettext_lazy("Do not list"))
    def not_list(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda m: services.motion_not_list(motion=m, by=request.user),
            _("%(count)s motions not listed."),
        )

    @admin.action(description=gettext_lazy("Handle as suggestions, keeping the signers"))
    def convert(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda m: services.motion_convert_to_suggestion(motion=m, by=request.user),
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
            call=lambda m, data: services.motion_record_resolution(
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
            call=lambda m, data: services.motion_record_inspection(
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
            lambda m: services.motion_close(motion=m, by=request.user),
            _("%(count)s motions closed."),
        )


from proposals import opinion_admin  # noqa: E402,F401  (residents' opinions: its own module)
