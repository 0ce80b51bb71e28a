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
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.importing import SheetAdmin
from congress.kit.admin import ReadOnlyInline, ReadOnlyMixin
from congress.kit.errors import DomainError
from congress.models import Organisation
from proposals import files, services
from proposals.handling import clocks
from proposals.models import (
    Assignment,
    CoHandlerView,
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
from proposals.printing import suggestion_form_queryset, suggestion_form_response
from proposals.resources import SuggestionResource
from proposals.todo import SuggestionQueueFilter

S = Suggestion.Status

# -- who is who ---------------------------------------------------------------------------------


def is_office(user) -> bool:
    """Committee staff: may review, assign and decide. Clerks are not."""
    return user.is_active and (user.is_superuser or user.has_perm("proposals.handle_suggestion"))


def clerk_units(request) -> list[int]:
    """The units the user answers for (cached on the request).

    None for a visitor who is not logged in (the admin's login page asks every ModelAdmin's
    has_module_permission with an AnonymousUser, and so does every page of an expired session),
    nor for a disabled or non-staff account: the admin would not let them in anyway."""
    if not hasattr(request, "_proposal_units"):
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            units = UnitMembership.objects.filter(user=user).values_list(
                "organisation_id", flat=True
            )
            request._proposal_units = list(units)
        else:
            request._proposal_units = []
    return request._proposal_units


def is_clerk(request) -> bool:
    return not is_office(request.user) and bool(clerk_units(request))


def _plain_display(model, name):
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name)
    def show(self, obj):
        value = getattr(obj, name)
        return str(value) if value is not None else "—"

    return show


class PlainRelationsForClerks:
    """A clerk sees a related row (the deputy, the category, the acting user) as its name: the
    admin would link each to a change page the clerk is refused (403), so none is offered."""

    plain_relations: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.plain_relations:
            if not hasattr(cls, f"{name}_plain"):
                setattr(cls, f"{name}_plain", _plain_display(cls.model, name))

    def _plainify(self, request, names):
        if is_office(request.user):
            return names
        return [f"{n}_plain" if n in self.plain_relations else n for n in names]

    def get_fields(self, request, obj=None):
        return self._plainify(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._plainify(request, super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": self._plainify(request, options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]


# -- forms of the actions and clerk pages ---------------------------------------------------------


class UnitCheckboxes(forms.CheckboxSelectMultiple):
    """Co-handling units as ticks (no Ctrl-click), laid out in columns by the admin's CSS."""

    def __init__(self, attrs=None):
        super().__init__({"class": "unit-checkboxes", **(attrs or {})})


class AssignForm(forms.Form):
    """One item's assignment: each item of a batch has its own (they rarely go to the same units)."""

    lead_unit = forms.ModelChoiceField(
        Organisation.objects.active(),
        label=gettext_lazy("lead unit"),
        empty_label=gettext_lazy("— choose the lead unit —"),
    )
    co_units = forms.ModelMultipleChoiceField(
        Organisation.objects.active(),
        required=False,
        label=gettext_lazy("co-handling units"),
        widget=UnitCheckboxes,
    )
    on = forms.DateField(label=gettext_lazy("assigned on"), initial=timezone.localdate)

    def clean(self):
        cleaned = super().clean()
        lead, co_units = cleaned.get("lead_unit"), cleaned.get("co_units") or []
        if lead is not None and lead in co_units:
            self.add_error("co_units", _("The lead unit cannot also be a co-handling unit."))
        return cleaned


def obvious_lead_unit(suggestion) -> Organisation | None:
    """The unit to preselect when one choice is obvious: the item's last lead unit (assigned
    again), else the only active unit; otherwise the clerk chooses."""
    last = (
        suggestion.assignments.filter(role=Assignment.Role.LEAD, organisation__active=True)
        .order_by("-assigned_at", "-pk")
        .values_list("organisation", flat=True)
        .first()
    )
    if last:
        return Organisation.objects.get(pk=last)
    units = list(Organisation.objects.active()[:2])
    return units[0] if len(units) == 1 else None


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
        Organisation.objects.active(),
        required=False,
        label=gettext_lazy("proposed unit"),
        empty_label=gettext_lazy("— no proposal —"),
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


def apply_to_each(modeladmin, request, queryset, call, done_message: str) -> list:
    done = []
    for obj in queryset:
        try:
            call(obj)
            done.append(obj)
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"count": len(done)}, messages.SUCCESS)
    return done


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


class SignatureInline(PlainRelationsForClerks, ReadOnlyInline):
    model = Signature
    plain_relations = ("deputy",)
    fk_name = "suggestion"
    fields = ["deputy", "status", "requested_at", "responded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy")


class MotionSignatureInline(SignatureInline):
    fk_name = "motion"


def file_link(url: str, name: str):
    """A link to a private file, served through proposals/files.py's checks."""
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, name)


class AttachmentInline(ReadOnlyInline):
    model = SuggestionAttachment
    fields = ["open_file", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def open_file(self, obj):
        return file_link(files.attachment_url(obj), obj.original_name)


class AssignmentInline(PlainRelationsForClerks, ReadOnlyInline):
    model = Assignment
    plain_relations = ("organisation",)
    fields = ["organisation", "role", "assigned_at", "due_date", "accepted_at", "active"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


@admin.display(description=gettext_lazy("signed letter"))
def reply_letter_link(obj):
    if not obj.file:
        return "—"
    return file_link(files.letter_url(obj), _("Open the signed reply letter"))


class ReplyInline(PlainRelationsForClerks, ReadOnlyInline):
    model = Reply
    plain_relations = ("organisation",)
    fields = [
        "organisation",
        "reply_class",
        "letter_number",
        "replied_at",
        "is_followup",
        "published_at",
        "text",
        "letter",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("signed letter"))
    def letter(self, obj):
        return reply_letter_link(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class CoHandlerViewInline(ReadOnlyInline):
    """Co-handlers' views: the office and the lead unit read them all, a co-handler its own."""

    model = CoHandlerView
    fields = ["unit", "text", "submitted_at"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("co-handlers' views")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("assignment__organisation")
        if is_office(request.user):
            return queryset
        units = clerk_units(request)
        leads = Assignment.objects.filter(
            suggestion=OuterRef("suggestion"),
            active=True,
            role=Assignment.Role.LEAD,
            organisation_id__in=units,
        )
        return queryset.filter(Q(assignment__organisation_id__in=units) | Exists(leads))

    @admin.display(description=gettext_lazy("handling unit"))
    def unit(self, obj):
        return obj.assignment.organisation


class FeedbackInline(PlainRelationsForClerks, ReadOnlyInline):
    model = Feedback
    plain_relations = ("rater", "reply")
    fields = ["rater", "reply", "process_rating", "result_rating", "comment", "given_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rater", "reply__organisation")


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


# -- suggestions ------------------------------------------------------------------------------------


class UnsatisfiedFilter(admin.SimpleListFilter):
    """不满意待处理: a signer rated the current reply unsatisfied and the office has not decided."""

    title = gettext_lazy("unsatisfied rating")
    parameter_name = "unsatisfied"

    def lookups(self, request, model_admin):
        return [("pending", _("unsatisfied, waiting for a decision"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.unsatisfied_pending()
        return queryset


class UnsatisfiedDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("rehandle", gettext_lazy("handle it again (重办, 1 month)")),
            ("close", gettext_lazy("close it, with the reasons")),
        ],
        widget=forms.RadioSelect,
        label=gettext_lazy("decision"),
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label=gettext_lazy("reasons, sent to the deputies"),
        help_text=gettext_lazy("Required when the item is closed."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "close" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reasons for closing the item."))
        return data


class CoHandlerViewForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, label=gettext_lazy("the unit's view"))


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

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        if not is_office(request.user):
            return {}
        return super().get_actions(request, action_location)

    # Actions (office)
    @admin.action(description=gettext_lazy("Register the selected suggestions (立案)"))
    def register(self, request, queryset):
        done = apply_to_each(
            self,
            request,
            queryset.order_by("submitted_at", "pk"),
            lambda s: services.suggestion_register(suggestion=s, by=request.user),
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
            call=lambda s, data: services.suggestion_reject(
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
                    lambda item=item, form=form: services.suggestion_assign(
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

    @admin.action(description=gettext_lazy("Decide on an unsatisfied rating (不满意)…"))
    def decide_unsatisfied(self, request, queryset):
        return form_action(
            self,
            request,
            queryset,
            form_class=UnsatisfiedDecisionForm,
            title=_("Decide on an unsatisfied rating"),
            call=lambda s, data: services.suggestion_decide_unsatisfied(
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

    def cohandler_view(self, request, pk):
        suggestion, assignment = self._own_assignment(request, pk, co_only=True)
        form = CoHandlerViewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if run_service(
                request,
                lambda: services.cohandler_view_submit(
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
        handling = suggestion.status in (S.ASSIGNED, S.HANDLING)
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
                waiting = suggestion.status in (S.ASSIGNED, S.HANDLING, S.REHANDLING)
                followup = suggestion.tracking and suggestion.status in (S.REPLIED, S.CLOSED)
                if (waiting and not services.missing_cohandler_views(suggestion)) or followup:
                    add("reply", _("Record the reply"))
                if (
                    handling
                    and today < services.extension_limit(assignment)
                    and not any(
                        r.decision == "pending" for r in assignment.extension_requests.all()
                    )
                ):
                    add("extend", _("Ask for more time"))
            elif suggestion.status in (S.ASSIGNED, S.HANDLING, S.REHANDLING) and (
                getattr(assignment, "cohandler_view", None) is None
            ):
                add("cohandler_view", _("Send the co-handling unit's view (提交协办意见)"))
            if (
                handling
                and today <= services.return_deadline(assignment)
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
                    services.missing_cohandler_views(suggestion)
                    if suggestion.status in (S.ASSIGNED, S.HANDLING, S.REHANDLING)
                    else []
                )
                extra_context["unsatisfied"] = services.unsatisfied_feedback(suggestion)
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
    # The stored file's own address is not served (congress/kit/media.py): link the checked view.
    exclude = ["file"]
    readonly_fields = ["letter"]

    @admin.display(description=gettext_lazy("signed letter"))
    def letter(self, obj):
        return reply_letter_link(obj)

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


# Modules that register more admins; imported last because they import from this one.
from proposals.handling import clerk_admin  # noqa: E402,F401
from proposals.opinions import admin as opinion_admin  # noqa: E402,F401
