"""The back office of budget supervision: the monthly sheets (imported through the project's
importer), the snapshots they made (current and replaced), the warning rules staff keep, and the
warnings, each dismissed with a reason or opened as a case through the services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy

from congress.kit.admin import ReadOnlyMixin, ServiceActions, apply_to_each, service_action
from congress.kit.import_admin import SheetAdmin
from congress.models import Meeting, Organisation
from supervision.budget import cases, services
from supervision.budget.models import (
    BudgetSnapshot,
    BudgetTotal,
    BudgetWarning,
    DebtLine,
    ExecutionLine,
    FunctionalLine,
    ReserveLine,
    SanGongLine,
    TransferLine,
    WarningRule,
)
from supervision.budget.resources import (
    DebtResource,
    ExecutionResource,
    FunctionalResource,
    ReserveResource,
    SanGongResource,
    TotalsResource,
    TransferResource,
)

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class LinesAdmin(ReadOnlyMixin, SheetAdmin):
    """Lines come in through the import only; a month's corrections are a re-import."""

    list_filter = ["snapshot__year", "snapshot__month", "snapshot__active"]
    list_select_related = ["snapshot"]

    def has_import_permission(self, request):
        return request.user.has_perm("supervision.add_budgetsnapshot")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("supervision.view_budgetsnapshot")


@admin.register(ExecutionLine)
class ExecutionLineAdmin(LinesAdmin):
    resource_classes = [ExecutionResource]
    list_display = ["department", "snapshot", "budgeted", "adjusted", "spent", "rate"]
    list_select_related = ["snapshot", "department"]
    search_fields = ["department__name"]

    @admin.display(description=gettext_lazy("spent (%)"))
    def rate(self, obj):
        return obj.rate


@admin.register(DebtLine)
class DebtLineAdmin(LinesAdmin):
    resource_classes = [DebtResource]
    list_display = ["snapshot", "new_debt", "repaid", "balance", "limit"]


@admin.register(FunctionalLine)
class FunctionalLineAdmin(LinesAdmin):
    resource_classes = [FunctionalResource]
    list_display = ["code", "name", "snapshot", "budgeted", "adjusted", "spent"]
    search_fields = ["code", "name"]


@admin.register(BudgetTotal)
class BudgetTotalAdmin(LinesAdmin):
    resource_classes = [TotalsResource]
    list_display = [
        "budget",
        "snapshot",
        "revenue_budgeted",
        "revenue",
        "revenue_last_year",
        "expenditure_budgeted",
        "expenditure",
    ]
    list_filter = [*LinesAdmin.list_filter, "budget"]


@admin.register(SanGongLine)
class SanGongLineAdmin(LinesAdmin):
    resource_classes = [SanGongResource]
    list_display = [
        "department",
        "snapshot",
        "travel_budget",
        "travel_spent",
        "vehicles_budget",
        "vehicles_spent",
        "reception_budget",
        "reception_spent",
    ]
    list_select_related = ["snapshot", "department"]
    search_fields = ["department__name"]


@admin.register(TransferLine)
class TransferLineAdmin(LinesAdmin):
    resource_classes = [TransferResource]
    list_display = [
        "item",
        "snapshot",
        "amount",
        "received_on",
        "passed_on",
        "passed_amount",
        "recipient",
    ]
    search_fields = ["item", "recipient"]


@admin.register(ReserveLine)
class ReserveLineAdmin(LinesAdmin):
    resource_classes = [ReserveResource]
    list_display = ["snapshot", "budgeted", "used", "uses"]


@admin.register(BudgetSnapshot)
class BudgetSnapshotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "active",
        "published",
        "imported_at",
        "imported_by",
        "file_name",
        "superseded_by",
    ]
    list_filter = ["kind", "year", "month", "active", "published"]
    actions = ["run_checks", "publish"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("supervision.view_budgetsnapshot")

    @admin.action(description=gettext_lazy("Run the warning rules and follow-ups again"))
    def run_checks(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda snapshot: services.snapshot_checks(snapshot=snapshot),
            gettext_lazy("Rules run on %(count)s snapshots."),
        )

    @admin.action(description=gettext_lazy("Mark as published by the government"))
    def publish(self, request, queryset):
        if not request.user.has_perm("supervision.change_budgetsnapshot"):
            raise PermissionDenied
        apply_to_each(
            self,
            request,
            queryset,
            lambda snapshot: cases.snapshot_publish(snapshot=snapshot, by=request.user),
            gettext_lazy("%(count)s snapshots published."),
        )


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "threshold", "by_month", "days", "active"]
    list_filter = ["kind", "active"]


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for dismissal"), widget=forms.Textarea(attrs={"rows": 3})
    )


class OpenCaseForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Decided at the meeting"), queryset=Meeting.objects.all()
    )
    issued_on = forms.DateField(label=gettext_lazy("Inquiry sent on"), widget=DATE)
    text = forms.CharField(
        label=gettext_lazy("Written inquiry (函询)"), widget=forms.Textarea(attrs={"rows": 5})
    )
    addressee = forms.ModelChoiceField(
        label=gettext_lazy("Addressed to"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=gettext_lazy(
            "Leave empty for the department (the finance bureau for debt); that unit's clerk "
            "answers in their own login."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()


class AnswerForm(forms.Form):
    received_on = forms.DateField(label=gettext_lazy("Answer received on"), widget=DATE)
    text = forms.CharField(
        label=gettext_lazy("The department's answer"), widget=forms.Textarea(attrs={"rows": 5})
    )


@admin.register(BudgetWarning)
class BudgetWarningAdmin(ServiceActions, ReadOnlyMixin, admin.ModelAdmin):
    service_target = "warning"
    list_display = ["finding", "rule", "year", "status", "case", "follow_up_text"]
    # A month's import lists its warnings: that year, that month, the register's rules.
    list_filter = ["status", "year", "snapshot__month", "rule__kind", "rule"]
    list_select_related = ["rule", "department", "case"]
    search_fields = ["department__name", "subject", "rule__name"]
    fields = (
        "rule",
        "year",
        "department",
        "subject",
        "snapshot",
        "finding",
        "status",
        "raised_at",
        "decided_at",
        "decided_by",
        "reason",
        "case",
        "inquiry",
        "followed_up_on",
        "follow_up_text",
        "closed_at",
    )
    readonly_fields = fields
    workflow_actions = {
        "warning_dismiss": (BudgetWarning.Status.DISMISSED,),
        "warning_open_case": (BudgetWarning.Status.CASE,),
        "warning_answer": (None, "answer"),
    }
    actions = [
        service_action(
            services.warning_dismiss,
            gettext_lazy("Dismiss, with a reason"),
            gettext_lazy("%(count)s warnings dismissed."),
            form=DismissForm,
        ),
        service_action(
            services.warning_open_case,
            gettext_lazy("Open as a case with a written inquiry"),
            gettext_lazy("%(count)s cases opened."),
            form=OpenCaseForm,
        ),
        service_action(
            services.warning_answer,
            gettext_lazy("Record the department's answer"),
            gettext_lazy("%(count)s answers recorded."),
            form=AnswerForm,
        ),
    ]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("supervision.view_budgetwarning")

    @admin.display(description=gettext_lazy("what the rule found"))
    def finding(self, obj):
        return obj.finding

    @admin.display(description=gettext_lazy("follow-up"))
    def follow_up_text(self, obj):
        return obj.follow_up_text

    def may_act(self, request) -> bool:
        return request.user.has_perm("supervision.change_budgetwarning")
