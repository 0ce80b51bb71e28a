"""The back office of filing review: the register of normative documents (entered by hand or
imported from a year's spreadsheet) and each review, moved along its procedure from its own page.

A review's page offers exactly the steps its procedure allows next (FilingReview.TRANSITIONS);
every step goes through supervision.filing.services, and a refused step is shown as a message
with nothing written."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from congress.kit import todo
from congress.kit.admin import ReadOnlyInline, run_service, service_checked_form
from congress.kit.import_admin import SheetAdmin
from supervision.filing import services
from supervision.filing.models import (
    FilingReview,
    NormativeDocument,
    ReviewFinding,
    ReviewStep,
    ReviewSuggestion,
)
from supervision.filing.resources import NormativeDocumentResource


class FilingStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("filing")
    parameter_name = "filing"

    def lookups(self, request, model_admin):
        return [(key, label) for key, label in NormativeDocument.FILING_STATE_LABELS.items()]

    def queryset(self, request, queryset):
        value = self.value()
        known = value in NormativeDocument.FILING_STATE_LABELS
        return queryset.in_filing_state(value) if known else queryset


@admin.register(NormativeDocument)
class NormativeDocumentAdmin(SimpleHistoryAdmin, SheetAdmin):
    resource_classes = [NormativeDocumentResource]
    list_display = ["title", "number", "organ", "category", "published_on", "filed_on", "filing"]
    list_filter = [FilingStateFilter, "category", "published_on"]
    list_select_related = ["organ"]
    search_fields = ["title", "number", "organ__name"]
    autocomplete_fields = ["organ"]
    date_hierarchy = "published_on"

    @admin.display(description=gettext_lazy("filing"))
    def filing(self, obj):
        return obj.get_filing_state_display()


class FindingInline(ReadOnlyInline):
    model = ReviewFinding
    fields = ["ground", "articles", "explanation"]


class StepInline(ReadOnlyInline):
    model = ReviewStep
    fields = ["on", "kind", "due_on", "note", "by"]


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("organ's answer")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", gettext_lazy("past its date"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(due_on__lt=timezone.localdate()).exclude(
                status__in=FilingReview.CONCLUDED
            )
        return queryset


# A review starts only where the service would start it: refusals show beside the form.
ReviewStartForm = service_checked_form(
    FilingReview,
    ["document", "kind", "requested_by", "theme", "started_on"],
    services.review_start_check,
    check_fields=["document", "kind", "started_on", "requested_by"],
)


class AdvanceForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("Next step"))
    on = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (the conclusion, when the review ends)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, review: FilingReview, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = FilingReview.TRANSITIONS[review.status]
        self.fields["to"].choices = [
            (value, label) for value, label in FilingReview.Status.choices if value in allowed
        ]
        self.fields["on"].initial = timezone.localdate()


class AnswerForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("Answered on"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=gettext_lazy("The organ's answer"), widget=forms.Textarea(attrs={"rows": 3})
    )


class FindingForm(forms.Form):
    ground = forms.ChoiceField(label=gettext_lazy("ground"), choices=ReviewFinding.Ground.choices)
    articles = forms.CharField(
        label=gettext_lazy("articles concerned"), required=False, max_length=200
    )
    explanation = forms.CharField(
        label=gettext_lazy("explanation"), widget=forms.Textarea(attrs={"rows": 3})
    )


def _post_form(request, form, back, call):
    """A step form posted from an object's page: its errors, or the service's refusal, become
    messages on that page; `call(cleaned_data)` runs the service."""
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return back
    run_service(request, lambda: call(form.cleaned_data), _("Recorded."))
    return back


@admin.register(FilingReview)
class FilingReviewAdmin(SimpleHistoryAdmin):
    form = ReviewStartForm
    list_display = ["document", "kind", "status", "started_on", "due_on", "concluded_on"]
    list_filter = [OverdueFilter, "status", "kind", "started_on"]
    list_select_related = ["document", "document__organ"]
    search_fields = ["document__title", "document__number", "theme"]
    autocomplete_fields = ["document"]
    inlines = [FindingInline, StepInline]
    change_form_template = "admin/supervision/filingreview/change_form.html"

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["status", "due_on", "concluded_on", "conclusion"]
        return [
            "document",
            "kind",
            "requested_by",
            "theme",
            "started_on",
            "status",
            "due_on",
            "concluded_on",
            "conclusion",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            return  # everything after the start goes through the step forms
        review = services.review_start(
            document=obj.document,
            kind=obj.kind,
            started_on=obj.started_on,
            requested_by=obj.requested_by,
            theme=obj.theme,
            by=request.user,
        )
        obj.pk = review.pk
        obj.refresh_from_db()

    def get_urls(self):
        own = [
            path(
                "<int:pk>/step/<str:form_name>/",
                self.admin_site.admin_view(self.step_view),
                name="supervision_filingreview_step",
            )
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        review = self.get_object(request, object_id)
        if review is not None and self.has_change_permission(request, review):
            if not review.concluded:
                extra_context["advance_form"] = AdvanceForm(review=review)
                extra_context["finding_form"] = FindingForm()
            if review.status == FilingReview.Status.INQUIRY:
                extra_context["answer_form"] = AnswerForm(initial={"on": timezone.localdate()})
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, pk, form_name):
        review = get_object_or_404(FilingReview, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, review):
            raise PermissionDenied
        forms_by_name = {"advance": AdvanceForm, "answer": AnswerForm, "finding": FindingForm}
        if form_name not in forms_by_name:
            raise PermissionDenied
        kwargs = {"review": review} if form_name == "advance" else {}
        form = forms_by_name[form_name](request.POST, **kwargs)
        back = redirect(reverse("admin:supervision_filingreview_change", args=[review.pk]))
        calls = {
            "advance": lambda data: services.review_advance(
                review=review, to=data["to"], on=data["on"], note=data["note"], by=request.user
            ),
            "answer": lambda data: services.review_record_answer(
                review=review, on=data["on"], note=data["note"], by=request.user
            ),
            "finding": lambda data: services.review_add_finding(
                review=review,
                ground=data["ground"],
                articles=data["articles"],
                explanation=data["explanation"],
                by=request.user,
            ),
        }
        return _post_form(request, form, back, calls[form_name])


class SuggestionAnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=gettext_lazy("Answer"),
        choices=[
            ("1", gettext_lazy("Accept for review (or add to the review under way)")),
            ("0", gettext_lazy("Not within the filing review's remit")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    document = forms.ModelChoiceField(
        label=gettext_lazy("document"),
        queryset=NormativeDocument.objects.filter(filed_on__isnull=False),
        required=False,
        help_text=gettext_lazy("The filed document the suggestion concerns, when accepting."),
    )
    on = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    answer = forms.CharField(
        label=gettext_lazy("The answer the sender reads"), widget=forms.Textarea(attrs={"rows": 4})
    )


@admin.register(ReviewSuggestion)
class ReviewSuggestionAdmin(admin.ModelAdmin):
    """The tracking code is the sender's key: it is neither listed nor shown here."""

    list_display = ["submitted_at", "__str__", "status", "answer_due", "answered_on"]
    list_filter = ["status", "submitted_at"]
    list_select_related = ["document"]
    search_fields = ["document__title", "document_title", "grounds"]
    fields = [
        "document",
        "document_title",
        "grounds",
        "name",
        "phone",
        "submitted_at",
        "answer_due",
        "status",
        "answered_on",
        "answer",
        "review",
    ]
    readonly_fields = fields
    change_form_template = "admin/supervision/reviewsuggestion/change_form.html"

    def has_add_permission(self, request):
        return False  # suggestions come from the public form

    def get_urls(self):
        own = [
            path(
                "<int:pk>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="supervision_reviewsuggestion_answer",
            )
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        suggestion = self.get_object(request, object_id)
        if (
            suggestion is not None
            and suggestion.status == ReviewSuggestion.Status.RECEIVED
            and self.has_change_permission(request, suggestion)
        ):
            extra_context["answer_form"] = SuggestionAnswerForm(
                initial={"on": timezone.localdate(), "document": suggestion.document_id}
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def answer_view(self, request, pk):
        suggestion = get_object_or_404(ReviewSuggestion, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, suggestion):
            raise PermissionDenied
        form = SuggestionAnswerForm(request.POST)
        back = redirect(reverse("admin:supervision_reviewsuggestion_change", args=[suggestion.pk]))
        return _post_form(
            request,
            form,
            back,
            lambda data: services.review_suggestion_answer(
                suggestion=suggestion,
                accept=data["accept"],
                answer=data["answer"],
                on=data["on"],
                document=data["document"],
                by=request.user,
            ),
        )


# --- The staff to-do list (congress/kit/todo.py) -----------------------------------------------


def filing_items(request) -> list[todo.TodoItem]:
    """Suggestions waiting for an answer, and reviews whose organ is past its answer date."""
    if not request.user.has_perm("supervision.change_filingreview"):
        return []
    today = timezone.localdate()
    suggestions = reverse("admin:supervision_reviewsuggestion_changelist")
    reviews = reverse("admin:supervision_filingreview_changelist")
    waiting = ReviewSuggestion.objects.filter(status=ReviewSuggestion.Status.RECEIVED).count()
    overdue = FilingReview.objects.filter(due_on__lt=today).exclude(
        status__in=FilingReview.CONCLUDED
    )
    return [
        todo.TodoItem(
            _("Review suggestions to answer"),
            waiting,
            f"{suggestions}?status__exact={ReviewSuggestion.Status.RECEIVED}",
        ),
        todo.TodoItem(
            _("Filing reviews past the organ's answer date"),
            overdue.count(),
            f"{reviews}?overdue=1",
        ),
    ]


todo.register(filing_items)
