"""The back office of handling: assignment, the units' replies, returns and extensions,
co-handlers' views, the deputy's feedback, unit memberships.
"""

from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.kit.admin import ReadOnlyInline, ServiceActions, apply_to_each, service_action
from congress.models import Organisation
from proposals import files
from proposals.access import OfficeOnly, PlainRelationsForClerks, clerk_units, is_office
from proposals.adminkit import file_link
from proposals.handling import services as handling_services
from proposals.models import (
    Assignment,
    CoHandlerView,
    Contact,
    ExtensionRequest,
    Feedback,
    ProgressReport,
    Reply,
    ReturnRequest,
    UnitMembership,
    reply_class_choices,
)

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


class ReplyForm(forms.Form):
    reply_class = forms.ChoiceField(choices=reply_class_choices, label=gettext_lazy("class"))
    letter_number = forms.CharField(
        max_length=60, required=False, label=gettext_lazy("letter number")
    )
    replied_on = forms.DateField(label=gettext_lazy("replied on"), initial=timezone.localdate)
    text = forms.CharField(widget=forms.Textarea, label=gettext_lazy("text"))
    file = forms.FileField(required=False, label=gettext_lazy("signed letter"))
    followup = forms.BooleanField(required=False, label=gettext_lazy("follow-up reply"))
    promised_by = forms.DateField(
        required=False,
        label=gettext_lazy("promised completion date"),
        help_text=gettext_lazy("Class B: the date the unit promises the matter will be done."),
    )
    reasons = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label=gettext_lazy("reasons it cannot be solved now"),
        help_text=gettext_lazy("Class C: why the matter cannot be solved now."),
    )


class ContactForm(forms.Form):
    """A contact with the lead deputy (面商), recorded by the lead unit's clerk."""

    contact_on = forms.DateField(
        label=gettext_lazy("date of the contact"), initial=timezone.localdate
    )
    way = forms.ChoiceField(choices=Contact.Way.choices, label=gettext_lazy("way"))
    stage = forms.ChoiceField(choices=Contact.Stage.choices, label=gettext_lazy("stage"))
    participants = forms.CharField(max_length=300, label=gettext_lazy("who took part"))
    note = forms.CharField(widget=forms.Textarea, required=False, label=gettext_lazy("note"))


class ProgressForm(forms.Form):
    """The lead unit's progress report on an item it promised to solve (class B), until done."""

    reported_on = forms.DateField(
        label=gettext_lazy("date of the report"), initial=timezone.localdate
    )
    text = forms.CharField(widget=forms.Textarea, label=gettext_lazy("what was done"))
    percent = forms.IntegerField(
        min_value=0,
        max_value=100,
        label=gettext_lazy("share done (%)"),
        help_text=gettext_lazy("How far the promised work is, from 0 to 100."),
    )
    done = forms.BooleanField(
        required=False,
        label=gettext_lazy("done"),
        help_text=gettext_lazy(
            "Tick when the matter is solved: the report becomes the unit's follow-up reply of "
            "class A and the item is no longer followed up."
        ),
    )
    done_on = forms.DateField(required=False, label=gettext_lazy("done on"))

    def clean(self):
        cleaned = super().clean()
        done, done_on = cleaned.get("done"), cleaned.get("done_on")
        if done and done_on is None and "done_on" not in self.errors:
            self.add_error("done_on", _("Give the date the matter was done."))
        if not done and done_on is not None:
            self.add_error(
                "done_on", _("A date done goes with “done”: tick it, or leave the date empty.")
            )
        today = timezone.localdate()
        for name in ("reported_on", "done_on"):
            if cleaned.get(name) and cleaned[name] > today:
                self.add_error(name, _("Give a date that is today or earlier."))
        return cleaned


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
        "promised_by",
        "text",
        "reasons",
        "letter",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("signed letter"))
    def letter(self, obj):
        return reply_letter_link(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class ContactInline(ReadOnlyInline):
    """The contacts with the lead deputy (面商) and the deputy's answer to each."""

    model = Contact
    fields = [
        "contact_on",
        "way",
        "stage",
        "participants",
        "note",
        "status",
        "dispute_reason",
        "answered_at",
    ]
    readonly_fields = fields


class ProgressReportInline(ReadOnlyInline):
    """The lead unit's progress reports on a class B item, up to the one marking it done."""

    model = ProgressReport
    fields = ["reported_on", "percent", "text", "done", "done_on", "recorded_at"]
    readonly_fields = fields


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


@admin.register(Reply)
class ReplyAdmin(OfficeOnly, ServiceActions, admin.ModelAdmin):
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
    ]
    list_select_related = ["suggestion", "organisation"]
    # Units are found by typing part of a name in the search box, not from a list filter of
    # every unit (a link per unit on every change list).
    search_fields = ["suggestion__code", "suggestion__title", "letter_number", "organisation__name"]
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

    def may_act(self, request):
        return is_office(request.user)

    service_target = "reply"
    # fmt: off
    publish = service_action(handling_services.reply_publish, gettext_lazy("Publish the selected replies"), gettext_lazy("%(count)s replies published."))
    # fmt: on


class DecisionAdmin(OfficeOnly, ServiceActions, admin.ModelAdmin):
    list_filter = ["decision"]
    list_select_related = ["assignment__suggestion", "assignment__organisation"]
    search_fields = ["assignment__suggestion__code", "assignment__organisation__name"]
    actions = ["approve", "refuse"]
    decide = None  # the service

    def may_act(self, request):
        return is_office(request.user)

    @admin.display(description=gettext_lazy("suggestion"))
    def suggestion(self, obj):
        return obj.assignment.suggestion

    @admin.display(description=gettext_lazy("handling unit"))
    def unit(self, obj):
        return obj.assignment.organisation

    @admin.action(description=gettext_lazy("Approve"))
    def approve(self, request, queryset):
        self.decide_each(request, queryset, True, _("%(count)s requests approved."))

    @admin.action(description=gettext_lazy("Refuse"))
    def refuse(self, request, queryset):
        self.decide_each(request, queryset, False, _("%(count)s requests refused."))

    def decide_each(self, request, queryset, approve: bool, done: str):
        decide = type(self).decide
        call = lambda r: decide(request=r, approve=approve, by=request.user)  # noqa: E731
        apply_to_each(self, request, queryset, call, done)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(DecisionAdmin):
    list_display = ["suggestion", "unit", "proposed_unit", "requested_at", "decision", "decided_at"]
    list_select_related = DecisionAdmin.list_select_related + ["proposed_unit"]
    decide = staticmethod(handling_services.return_decide)


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
    decide = staticmethod(handling_services.extension_decide)


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def has_module_permission(self, request):
        return is_office(request.user)
