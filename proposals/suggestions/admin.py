"""The back office of suggestions: the register, the review queue, registering, assigning,
replying and closing from one page.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.kit.admin import (
    ReadOnlyInline,
    ServiceActions,
    apply_to_each,
    form_action,
    joined_filter,
    own_pages,
    row_form_page,
    run_service,
    service_action,
)
from congress.kit.import_admin import SheetAdmin
from proposals import files
from proposals.access import PlainRelationsForClerks, clerk_units, is_clerk, is_office
from proposals.adminkit import S, SignatureInline, TimelineInline, file_link
from proposals.handling import clocks
from proposals.handling import services as handling_services
from proposals.handling.admin import (
    AssignForm,
    AssignmentInline,
    CoHandlerViewForm,
    CoHandlerViewInline,
    ContactForm,
    ContactInline,
    ExtensionForm,
    FeedbackInline,
    ProgressForm,
    ProgressReportInline,
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


class ConvertForm(forms.Form):
    channel = forms.CharField(max_length=100, label=gettext_lazy("handled through"))


class AttachmentInline(ReadOnlyInline):
    model = SuggestionAttachment
    fields = ["open_file", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def open_file(self, obj):
        return file_link(files.attachment_url(obj), obj.original_name)


# When the suggestion passed each step, shown in their own section.
MILESTONES = [
    "created_at",
    "submitted_at",
    "reviewed_at",
    "registered_at",
    "assigned_at",
    "replied_at",
    "closed_at",
    "withdrawn_at",
]


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
    *MILESTONES,
]


def _the_assignment(suggestion, assignment) -> dict:
    return {"assignment": assignment}


def _the_unit(suggestion, assignment) -> dict:
    return {"suggestion": suggestion, "organisation": assignment.organisation}


# A handling unit's pages on an assignment of its own, one a row: the form, the page's title,
# what is said once the service took it, the service (called with what the target function
# gives, by=the clerk and the form's fields), and which of the unit's assignments it needs.
# The page's URL is named proposals_suggestion_<key>.
# fmt: off
CLERK_STEPS = {
    "reply": (ReplyForm, gettext_lazy("Record the reply"), gettext_lazy("The reply was recorded and the deputies told."), handling_services.reply_record, _the_unit, {"lead_only": True}),
    "return": (ReturnForm, gettext_lazy("Send the item back"), gettext_lazy("The request to send the item back was sent to the office."), handling_services.return_request, _the_assignment, {}),
    "extend": (ExtensionForm, gettext_lazy("Ask for more time"), gettext_lazy("The request for more time was sent to the office."), handling_services.extension_request, _the_assignment, {}),
    "contact": (ContactForm, gettext_lazy("Record a contact with the deputy (面商)"), gettext_lazy("The contact was recorded; the deputy is asked to confirm it."), handling_services.contact_record, _the_assignment, {"lead_only": True}),
    "progress": (ProgressForm, gettext_lazy("Report progress (办理进展)"), gettext_lazy("The progress report was recorded; the deputies can read it."), handling_services.progress_report, _the_assignment, {"lead_only": True}),
    "cohandler_view": (CoHandlerViewForm, gettext_lazy("Send the co-handling unit's view (协办意见)"), gettext_lazy("The unit's view was sent to the lead unit and the office."), handling_services.cohandler_view_submit, _the_assignment, {"co_only": True}),
}
# fmt: on


@admin.register(Suggestion)
class SuggestionAdmin(PlainRelationsForClerks, ServiceActions, SheetAdmin):
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
        ("session", joined_filter("term")),  # a session's name reads its term
        "year",
        "category",
        "key_supervision",
        "look_back",
        "tracking",
        UnsatisfiedFilter,
    ]
    list_select_related = ["lead", "category"]
    show_full_result_count = False  # "50 of 19,800 selected": a second count of the table
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
            {"fields": MILESTONES},
        ),
    ]
    inlines = [
        SignatureInline,
        AttachmentInline,
        AssignmentInline,
        CoHandlerViewInline,
        ContactInline,
        ReplyInline,
        ProgressReportInline,
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
    service_target = "suggestion"  # the actions call their service with suggestion=row
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

    def may_act(self, request):
        return is_office(request.user)

    # Actions (office) that only call a service, one a row: the service (called with suggestion=row, by=the
    # user and the form's fields), the action's name, what is said when done, the form asked first.
    # fmt: off
    reject = service_action(suggestion_services.suggestion_reject, gettext_lazy("Do not register (不予立案)…"), gettext_lazy("%(count)s suggestions not registered."), form=RejectForm, title=gettext_lazy("Do not register"))
    flag_key = service_action(suggestion_services.suggestion_flag_key, gettext_lazy("Mark for key supervision (重点督办)…"), gettext_lazy("%(count)s suggestions marked for key supervision."), form=KeyForm, title=gettext_lazy("Mark for key supervision"))
    flag_look_back = service_action(suggestion_services.suggestion_flag_look_back, gettext_lazy("Mark for the look-back review (回头看)"), gettext_lazy("%(count)s suggestions marked for the look-back review."))
    rehandle = service_action(handling_services.suggestion_rehandle, gettext_lazy("Send back for handling again (重办)"), gettext_lazy("%(count)s suggestions sent back for handling again."))
    close = service_action(handling_services.suggestion_close, gettext_lazy("Close (办结)"), gettext_lazy("%(count)s suggestions closed."))
    # fmt: on
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

    # The office's assign page, the clerk pages (CLERK_STEPS) and the printed form.
    def get_urls(self):
        if self.model is not Suggestion:
            return super().get_urls()
        return [
            *own_pages(
                self,
                ("assign/", self.assign_view, "assign"),
                *(
                    (
                        f"<int:pk>/{name.replace('_', '-')}/",
                        partial(self.clerk_step_view, step=name),
                        name,
                    )
                    for name in CLERK_STEPS
                ),
                ("<int:pk>/form.pdf", self.form_pdf_view, "form_pdf"),
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

    def clerk_step_view(self, request, pk, *, step: str):
        """A handling unit's page on an assignment of its own (CLERK_STEPS): the form, then the
        service; back to the suggestion once the service took it."""
        form_class, title, done, service, target, which = CLERK_STEPS[step]
        suggestion, assignment = self._own_assignment(request, pk, **which)
        return row_form_page(
            self,
            request,
            suggestion,
            form=form_class(request.POST or None, request.FILES or None),
            title=title,
            call=lambda data: service(**target(suggestion, assignment), by=request.user, **data),
            done=done,
            multipart=True,
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
                if suggestion.can("contact"):
                    add("contact", _("Record a contact with the deputy (面商)"))
                waiting = suggestion.can_become(S.REPLIED)
                followup = suggestion.tracking and suggestion.can("followup_reply")
                if (
                    waiting and not handling_services.missing_cohandler_views(suggestion)
                ) or followup:
                    add("reply", _("Record the reply"))
                if followup:
                    add("progress", _("Report progress (办理进展)"))
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

    # fmt: off
    convert = service_action(suggestion_services.suggestion_convert, gettext_lazy("Pass to another channel…"), gettext_lazy("%(count)s suggestions passed on."), form=ConvertForm, title=gettext_lazy("Pass to another channel"))
    # fmt: on
