"""The back-office pages a unit's clerk and the office share for budget cases and the session's
budget review.

- Budget inquiries (函询): the clerk of the unit a case's inquiry is addressed to logs in at
  /admin/login/ (as for suggestions), sees the inquiry and its due date and answers it (text and
  a PDF); the office sees every case and assesses the answers. Another unit's inquiry is a 404.
- Budget review questions: the finance bureau's clerk answers the deputies' sent questions; the
  office publishes the answered ones it chooses. Drafts stay with their deputy.
- The draft budget's lines: entered by the office.
"""

from django import forms
from django.contrib import admin
from django.core.validators import FileExtensionValidator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from congress.kit.admin import ServiceActions, own_pages, row_form_page, service_action
from congress.kit.import_admin import SheetAdmin
from congress.models import TimelineEntry
from congress.timeline import timeline_rows
from supervision.budget import cases
from supervision.budget.resources import DraftBudgetResource
from supervision.budget.session import (
    AnswerAssessment,
    BudgetInquiry,
    BudgetQuestion,
    DraftBudgetLine,
)
from supervision.models import validate_pdf


def is_budget_office(user) -> bool:
    return user.is_active and user.has_perm("supervision.change_budgetwarning")


class InquiryAnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your unit's answer"), widget=forms.Textarea(attrs={"rows": 6})
    )
    file = forms.FileField(
        label=gettext_lazy("Attachment (PDF)"),
        required=False,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
    )


class AssessForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("Assessment"),
        choices=AnswerAssessment.Verdict.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the answer is insufficient: the unit reads it."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("verdict") == AnswerAssessment.Verdict.INSUFFICIENT
            and not (data.get("note") or "").strip()
        ):
            self.add_error(
                "note", gettext_lazy("Say what the answer lacks: the unit reads it when answering.")
            )
        return data


class ClerkOrOffice:
    """Seen by the office and by the clerks the rows concern; nobody adds, edits or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def is_clerk(self, request) -> bool:
        return not is_budget_office(request.user) and bool(cases.clerk_units(request.user))

    def has_module_permission(self, request):
        return is_budget_office(request.user) or self.is_clerk(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def row(self, request, pk):
        """The row if this user may see it; 404 otherwise (another unit's is not shown to exist)."""
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        obj = self.row(request, object_id)
        return super().change_view(
            request,
            object_id,
            form_url,
            {**(extra_context or {}), **self.page_context(request, obj)},
        )


class InquiryQueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("to do")
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [
            ("overdue", gettext_lazy("past due, not answered")),
            ("to_assess", gettext_lazy("answered, to assess")),
            ("to_answer", gettext_lazy("waiting for the unit's answer")),
        ]

    def queryset(self, request, queryset):
        queue = cases.QUEUES.get(self.value() or "")
        return queue(queryset, timezone.localdate()) if queue else queryset


@admin.register(BudgetInquiry)
class BudgetInquiryAdmin(ClerkOrOffice, admin.ModelAdmin):
    list_display = ["title", "addressee", "issued_on", "due_on", "answer_state", "status"]
    list_filter = [InquiryQueueFilter, "status", "year"]
    list_select_related = ["case__reporting_organisation", "inquiry", "rule", "department"]
    fields = ("title", "addressee", "finding", "inquiry_text", "issued_on", "due_on", "status")
    readonly_fields = (
        "title",
        "addressee",
        "finding",
        "inquiry_text",
        "issued_on",
        "due_on",
        "status",
    )
    change_form_template = "admin/supervision/budgetinquiry/change_form.html"

    def get_queryset(self, request):
        queryset = BudgetInquiry.objects.cases().select_related(
            "case__reporting_organisation", "inquiry", "rule", "department"
        )
        if is_budget_office(request.user):
            return queryset
        return queryset.filter(case__reporting_organisation__in=cases.clerk_units(request.user))

    @admin.display(description=gettext_lazy("case"))
    def title(self, obj):
        return obj.case.title

    @admin.display(description=gettext_lazy("addressed to"))
    def addressee(self, obj):
        return obj.case.reporting_organisation or "—"

    @admin.display(description=gettext_lazy("what the rule found"))
    def finding(self, obj):
        return obj.finding

    @admin.display(description=gettext_lazy("written inquiry"))
    def inquiry_text(self, obj):
        return obj.inquiry.text

    @admin.display(description=gettext_lazy("sent on"))
    def issued_on(self, obj):
        return obj.inquiry.issued_on

    @admin.display(description=gettext_lazy("answer due (working days)"))
    def due_on(self, obj):
        return obj.inquiry.report_due

    @admin.display(description=gettext_lazy("answer"))
    def answer_state(self, obj):
        reports = list(obj.inquiry.reports.all())
        if not reports:
            return gettext_lazy("not answered yet")
        latest = reports[-1]
        text = gettext_lazy("answered on time") if latest.on_time else gettext_lazy("answered late")
        if cases.awaiting_assessment(obj.inquiry) is not None:
            return f"{text}, {gettext_lazy('waiting for assessment')}"
        return text

    def page_context(self, request, obj):
        office = is_budget_office(request.user)
        pending = cases.awaiting_assessment(obj.inquiry)
        may_answer = (
            not office
            and obj.can("answer")
            and pending is None
            and obj.case.reporting_organisation_id in cases.clerk_units(request.user)
        )
        reports = [
            (report, AnswerAssessment.objects.filter(report=report).first())
            for report in obj.inquiry.reports.all()
        ]
        return {
            "reports": reports,
            "pending": pending is not None,
            "answer_form": InquiryAnswerForm() if may_answer else None,
            "assess_form": AssessForm() if office and pending is not None else None,
            "timeline": timeline_rows(TimelineEntry.objects.for_object(obj.case)),
        }

    def get_urls(self):
        return [
            *own_pages(
                self,
                ("<int:pk>/answer/", self.answer_view, "answer"),
                ("<int:pk>/assess/", self.assess_view, "assess"),
            ),
            *super().get_urls(),
        ]

    def answer_view(self, request, pk):
        obj = self.row(request, pk)
        if obj.case.reporting_organisation_id not in cases.clerk_units(request.user):
            raise Http404
        form = InquiryAnswerForm(request.POST or None, request.FILES or None)
        return row_form_page(
            self,
            request,
            obj,
            form=form,
            title=gettext_lazy("Answer the written inquiry"),
            call=lambda data: cases.inquiry_answer(
                warning=obj, text=data["text"], file=data["file"], by=request.user
            ),
            done=gettext_lazy("Your answer is recorded; the office will assess it."),
            multipart=True,
        )

    def assess_view(self, request, pk):
        if not is_budget_office(request.user):
            raise Http404
        obj = self.row(request, pk)
        form = AssessForm(request.POST or None)
        return row_form_page(
            self,
            request,
            obj,
            form=form,
            title=gettext_lazy("Assess the unit's answer"),
            call=lambda data: cases.answer_assess(
                warning=obj, verdict=data["verdict"], note=data["note"], by=request.user
            ),
            done=gettext_lazy("The assessment is recorded."),
        )


class QuestionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("The finance bureau's answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


@admin.register(BudgetQuestion)
class BudgetQuestionAdmin(ClerkOrOffice, ServiceActions, admin.ModelAdmin):
    list_display = ["department", "year", "question", "deputy_name", "status", "published"]
    list_filter = ["status", "year", "published"]
    list_select_related = ["department", "deputy", "line"]
    fields = (
        "year",
        "department",
        "line",
        "deputy_name",
        "text",
        "status",
        "sent_at",
        "answer",
        "answered_at",
        "published",
    )
    readonly_fields = (
        "year",
        "department",
        "line",
        "deputy_name",
        "text",
        "status",
        "sent_at",
        "answer",
        "answered_at",
        "published",
    )
    change_form_template = "admin/supervision/budgetquestion/change_form.html"
    actions = [
        service_action(
            cases.question_publish,
            gettext_lazy("Publish the question and its answer"),
            gettext_lazy("%(count)s questions published."),
        )
    ]
    service_target = "question"

    def is_clerk(self, request) -> bool:
        return not is_budget_office(request.user) and cases.is_finance_clerk(request.user)

    def get_queryset(self, request):
        queryset = BudgetQuestion.objects.exclude(status=BudgetQuestion.Status.DRAFT)
        if is_budget_office(request.user) or self.is_clerk(request):
            return queryset.select_related("department", "deputy", "line")
        return queryset.none()

    def may_act(self, request) -> bool:
        return is_budget_office(request.user)

    @admin.display(description=gettext_lazy("question"))
    def question(self, obj):
        return obj.text[:40]

    @admin.display(description=gettext_lazy("deputy"))
    def deputy_name(self, obj):
        return obj.deputy.name

    def page_context(self, request, obj):
        may_answer = self.is_clerk(request) and obj.status == BudgetQuestion.Status.SENT
        return {
            "answer_form": QuestionAnswerForm() if may_answer else None,
            "timeline": timeline_rows(TimelineEntry.objects.for_object(obj).order_by("at", "id")),
        }

    def get_urls(self):
        return [
            *own_pages(self, ("<int:pk>/answer/", self.answer_view, "answer")),
            *super().get_urls(),
        ]

    def answer_view(self, request, pk):
        if not self.is_clerk(request):
            raise Http404
        obj = self.row(request, pk)
        form = QuestionAnswerForm(request.POST or None)
        return row_form_page(
            self,
            request,
            obj,
            form=form,
            title=gettext_lazy("Answer the deputy's question"),
            call=lambda data: cases.question_answer(
                question=obj, answer=data["answer"], by=request.user
            ),
            done=gettext_lazy("Your answer is recorded."),
        )


@admin.register(DraftBudgetLine)
class DraftBudgetLineAdmin(SheetAdmin):
    """Entered by the office, or imported from the finance bureau's sheet (年度, 单位, 项目, 金额)."""

    resource_classes = [DraftBudgetResource]
    list_display = ["department", "name", "amount", "year"]
    list_filter = ["year", "department"]
    search_fields = ["department__name", "name"]
    list_select_related = ["department"]
