"""The back office of suggestions: the register, the review queue, registering, assigning,
replying and closing from one page.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.importing import SheetAdmin
from congress.kit import workflow
from congress.kit.admin import ReadOnlyInline
from proposals import files
from proposals.access import PlainRelationsForClerks, clerk_units, is_clerk, is_office
from proposals.adminkit import (
    S,
    SignatureInline,
    TimelineInline,
    apply_to_each,
    file_link,
    form_action,
    run_service,
)
from proposals.handling import clocks
from proposals.handling import services as handling_services
from proposals.handling.admin import (
    AssignForm,
    AssignmentInline,
    CoHandlerViewForm,
    CoHandlerViewInline,
    ExtensionForm,
    FeedbackInline,
    ReplyForm,
    ReplyInline,
    ReturnForm,
    UnsatisfiedDecisionForm,
    UnsatisfiedFilter,
    obvious_lead_unit,
)
from proposals.models import (
    Assignment,
    SubmittedSuggestion,
    Suggestion,
    SuggestionAttachment,
)
from proposals.printing import suggestion_form_queryset, suggestion_form_response
from proposals.resources import SuggestionResource
from proposals.suggestions import services as suggestion_services
from proposals.todo import SuggestionQueueFilter


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Suggestion.RejectReason.choices, label=gettext_lazy("reason not registered")
    )
    note = forms.CharField(
        widget=forms.Textarea, required=False, label=gettext_lazy("explanation to the deputy")
    )


class KeyForm(forms.Form):
    leader = forms.CharField(max_length=100, label=gettext_lazy("supervising leader"))


class AttachmentInline(ReadOnlyInline):
    model = SuggestionAttachment
    fields = ["open_file", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def open_file(self, obj):
        return file_link(files.attachment_url(obj), obj.original_name)


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
class SuggestionAdmin(PlainRelationsForClerks, SheetAdmin):
    model = Suggestion  # for PlainRelationsForClerks; the register decorator sets it too
    plain_relations = ("lead", "term", "session", "category", "merged_into", "from_motion")
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
        SuggestionQueueFilter,
        "status",
        "session",
        "year",
        "category",
        "key_supervision",
        "look_back",
        "tracking",
        UnsatisfiedFilter,
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
        CoHandlerViewInline,
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
        "decide_unsatisfied",
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

    # What each bulk action does by the model's maps: (target status, step it needs).
    workflow_actions = {
        "register": (S.REGISTERED,),
        "reject": (S.REJECTED,),
        "merge_into": (S.MERGED,),
        "convert": (S.CONVERTED,),
        "assign": (S.ASSIGNED, "assign"),
        "flag_key": (None, "flag"),
        "flag_look_back": (None, "flag"),
        "decide_unsatisfied": (S.CLOSED,),
        "rehandle": (S.REHANDLING,),
        "close": (S.CLOSED,),
    }

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        if not is_office(request.user):
            return {}
        actions = super().get_actions(request, action_location)
        return workflow.filter_admin_actions(request, actions, Suggestion, self.workflow_actions)

    # Actions (office)
    @admin.action(description=gettext_lazy("Register the selected suggestions (立案)"))
    def register(self, request, queryset):
        done = apply_to_each(
            self,
            request,
            queryset.order_by("submitted_at", "pk"),
            lambda s: suggestion_services.suggestion_register(suggestion=s, by=request.user),
            _("%(count)s suggestions registered."),
        )
        if done:  # the next step: assign them (交办)
            return self._to_assign_page(done)
        return None

    def _to_assign_page(self, suggestions):
        ids = ",".join(str(s.pk) for s in suggestions)
        return HttpResponseRedirect(f"{reverse('admin:proposals_suggestion_assign')}?ids={ids}")

    @admin.action(description=gettext_lazy("Do not register (不予立案)…"))
    def reject(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=RejectForm,
            title=_("Do not register"),
            call=lambda s, data: suggestion_services.suggestion_reject(
                suggestion=s, reason=data["reason"], note=data["note"], by=request.user
            ),
            done_message=_("%(count)s suggestions not registered."),
        )

    @admin.action(description=gettext_lazy("Assign to handling units (交办)…"))
    def assign(self, request, queryset):
        return self._to_assign_page(queryset.order_by("pk"))

    def assign_view(self, request):
        """Assign a batch: one row per item, each with its own lead and co-handling units."""
        if not is_office(request.user):
            raise PermissionDenied
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip().isdigit()]
        items = list(
            self.get_queryset(request)
            .filter(pk__in=ids[:200], status=Suggestion.Status.REGISTERED)
            .select_related("category", "lead")
            .order_by("pk")
        )
        data = request.POST if request.method == "POST" else None
        rows = [
            (
                item,
                AssignForm(
                    data, prefix=f"s{item.pk}", initial={"lead_unit": obvious_lead_unit(item)}
                ),
            )
            for item in items
        ]
        if data is not None:
            done = 0
            for item, form in rows:
                if form.is_valid() and run_service(
                    request,
                    lambda item=item, form=form: handling_services.suggestion_assign(
                        suggestion=item,
                        lead_unit=form.cleaned_data["lead_unit"],
                        co_units=form.cleaned_data["co_units"],
                        on=form.cleaned_data["on"],
                        by=request.user,
                    ),
                ):
                    done += 1
            if done:
                messages.success(request, _("%(count)s suggestions assigned.") % {"count": done})
            remaining = [item for item, form in rows if not form.is_valid()]
            if not remaining:
                return HttpResponseRedirect(reverse("admin:proposals_suggestion_changelist"))
            rows = [(item, form) for item, form in rows if item in remaining]
        return TemplateResponse(
            request,
            "admin/proposals/assign.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Assign to handling units"),
                "rows": rows,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=gettext_lazy("Mark for key supervision (重点督办)…"))
    def flag_key(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=KeyForm,
            title=_("Mark for key supervision"),
            call=lambda s, data: suggestion_services.suggestion_flag_key(
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
            lambda s: suggestion_services.suggestion_flag_look_back(suggestion=s, by=request.user),
            _("%(count)s suggestions marked for the look-back review."),
        )

    @admin.action(description=gettext_lazy("Decide on an unsatisfied rating (不满意)…"))
    def decide_unsatisfied(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=UnsatisfiedDecisionForm,
            title=_("Decide on an unsatisfied rating"),
            call=lambda s, data: handling_services.suggestion_decide_unsatisfied(
                suggestion=s,
                rehandle=data["decision"] == "rehandle",
                reason=data["reason"],
                by=request.user,
            ),
            done_message=_("%(count)s decisions recorded; the deputies were told."),
        )

    @admin.action(description=gettext_lazy("Send back for handling again (重办)"))
    def rehandle(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda s: handling_services.suggestion_rehandle(suggestion=s, by=request.user),
            _("%(count)s suggestions sent back for handling again."),
        )

    @admin.action(description=gettext_lazy("Close (办结)"))
    def close(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda s: handling_services.suggestion_close(suggestion=s, by=request.user),
            _("%(count)s suggestions closed."),
        )

    # Clerk pages: reply, return, extension — for an assignment of the clerk's own unit.
    def get_urls(self):
        if self.model is not Suggestion:
            return super().get_urls()
        wrap = self.admin_site.admin_view
        return [
            path("assign/", wrap(self.assign_view), name="proposals_suggestion_assign"),
            path("<int:pk>/reply/", wrap(self.reply_view), name="proposals_suggestion_reply"),
            path("<int:pk>/return/", wrap(self.return_view), name="proposals_suggestion_return"),
            path("<int:pk>/extend/", wrap(self.extend_view), name="proposals_suggestion_extend"),
            path(
                "<int:pk>/cohandler-view/",
                wrap(self.cohandler_view),
                name="proposals_suggestion_cohandler_view",
            ),
            path(
                "<int:pk>/form.pdf", wrap(self.form_pdf_view), name="proposals_suggestion_form_pdf"
            ),
            *super().get_urls(),
        ]

    def form_pdf_view(self, request, pk):
        """The official suggestion form (代表建议) to print: what the user may see only."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        suggestion = get_object_or_404(suggestion_form_queryset(self.get_queryset(request)), pk=pk)
        return suggestion_form_response(request, suggestion)

    def _own_assignment(
        self, request, pk, *, lead_only=False, co_only=False
    ) -> tuple[Suggestion, Assignment]:
        suggestion = get_object_or_404(self.get_queryset(request), pk=pk)
        assignments = suggestion.assignments.filter(active=True).select_related("organisation")
        if lead_only:
            assignments = assignments.filter(role=Assignment.Role.LEAD)
        if co_only:
            assignments = assignments.filter(role=Assignment.Role.CO)
        if not is_office(request.user):
            assignments = assignments.filter(organisation_id__in=clerk_units(request))
        assignment = assignments.order_by("role").first()
        if assignment is None:
            if lead_only or co_only:
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
                lambda: handling_services.reply_record(
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
                lambda: handling_services.return_request(
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
                lambda: handling_services.extension_request(
                    assignment=assignment,
                    reason=form.cleaned_data["reason"],
                    new_due_date=form.cleaned_data["new_due_date"],
                    by=request.user,
                ),
                _("The request for more time was sent to the office."),
            ):
                return self._back(suggestion)
        return self._clerk_page(request, suggestion, form, _("Ask for more time"))

    def cohandler_view(self, request, pk):
        suggestion, assignment = self._own_assignment(request, pk, co_only=True)
        form = CoHandlerViewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if run_service(
                request,
                lambda: handling_services.cohandler_view_submit(
                    assignment=assignment, text=form.cleaned_data["text"], by=request.user
                ),
                _("The unit's view was sent to the lead unit and the office."),
            ):
                return self._back(suggestion)
        return self._clerk_page(
            request, suggestion, form, _("Send the co-handling unit's view (协办意见)")
        )

    def unit_actions(self, request, suggestion) -> list[tuple[str, str]]:
        """The clerk pages this user may use on this item now: never a button that would be
        refused (a co-handler is not offered the reply; a closed window is not offered)."""
        office = is_office(request.user)
        units = None if office else set(clerk_units(request))
        today = timezone.localdate()
        mine = [
            a
            for a in suggestion.assignments.all()
            if a.active and (units is None or a.organisation_id in units)
        ]
        # The model's maps say what the state allows (congress/kit/workflow.py); the clocks and
        # the pending requests below are the services' own domain checks.
        handling = suggestion.can("unit_request")
        links = [
            (
                reverse("admin:proposals_suggestion_form_pdf", args=[suggestion.pk]),
                _("Print the suggestion form (PDF)"),
            )
        ]

        def add(name, label):
            url = reverse(f"admin:proposals_suggestion_{name}", args=[suggestion.pk])
            if url not in [u for u, _label in links]:
                links.append((url, label))

        for assignment in mine:
            if assignment.role == Assignment.Role.LEAD:
                waiting = suggestion.can_become(S.REPLIED)
                followup = suggestion.tracking and suggestion.can("followup_reply")
                if (
                    waiting and not handling_services.missing_cohandler_views(suggestion)
                ) or followup:
                    add("reply", _("Record the reply"))
                if (
                    handling
                    and today < handling_services.extension_limit(assignment)
                    and not any(
                        r.decision == "pending" for r in assignment.extension_requests.all()
                    )
                ):
                    add("extend", _("Ask for more time"))
            elif suggestion.can("cohandler_view") and (
                getattr(assignment, "cohandler_view", None) is None
            ):
                add("cohandler_view", _("Send the co-handling unit's view (提交协办意见)"))
            if (
                handling
                and today <= handling_services.return_deadline(assignment)
                and not any(r.decision == "pending" for r in assignment.return_requests.all())
            ):
                add("return", _("Send the item back"))
        return links

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        if str(object_id).isdigit() and self.model is Suggestion:
            suggestion = (
                clocks.prefetch_for_clocks(self.get_queryset(request)).filter(pk=object_id).first()
            )
            if suggestion is not None:
                audience = "office" if is_office(request.user) else clerk_units(request)
                extra_context["unit_links"] = self.unit_actions(request, suggestion)
                extra_context["clocks"] = clocks.item_clocks(suggestion, audience=audience)
                extra_context["missing_views"] = (
                    handling_services.missing_cohandler_views(suggestion)
                    if suggestion.can("cohandler_view")
                    else []
                )
                extra_context["unsatisfied"] = handling_services.unsatisfied_feedback(suggestion)
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
            call=lambda s, data: suggestion_services.suggestion_merge(
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
            call=lambda s, data: suggestion_services.suggestion_convert(
                suggestion=s, channel=data["channel"], by=request.user
            ),
            done_message=_("%(count)s suggestions passed on."),
        )
