"""Back office for supervision, votes and projects. State changes go through services."""

import datetime
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from congress.kit.admin import (
    ReadOnlyMixin,
    ServiceCheckedForm,
    action_page,
    make_from_form,
    own_pages,
    run_service,
    service_checked_form,
)
from congress.kit.errors import DomainError
from congress.kit.files import CheckedFileInput
from congress.models import Organisation, Session
from supervision import files, rules, services
from supervision.forms import MoneyField, PaperTallyForm, money_display
from supervision.models import (
    Appointee,
    Inspection,
    InspectionPhoto,
    LivelihoodProject,
    MajorProject,
    Milestone,
    PaperTally,
    Poll,
    PollOption,
    ProjectApproval,
    ProjectIdea,
    RectificationReport,
    ReviewOpinion,
    SupervisionDocument,
    SupervisionItem,
    UnitEvaluation,
)
from supervision.todo import PollQueueFilter

# Money fields (investment, a ballot line's amount) are entered in 万元 or 亿元, as written.
MONEY_OVERRIDES = {models.DecimalField: {"form_class": MoneyField}}


def default_opening(today: datetime.date | None = None) -> datetime.datetime:
    """When a new vote opens unless staff say otherwise: 09:00 on the first day of the next
    congress session (the livelihood vote is held at the session), else 09:00 tomorrow."""
    today = today or timezone.localdate()
    session = Session.objects.filter(start_date__gt=today).order_by("start_date").first()
    day = session.start_date if session else today + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


VOTE_HOURS = 3  # a default window: a morning sitting


def vote_window() -> dict:
    """A new vote's default opening and closing (the form's initial values)."""
    opens = default_opening()
    return {"opens_at": opens, "closes_at": opens + datetime.timedelta(hours=VOTE_HOURS)}


def one_year(request, queryset, refusal: str) -> int | None:
    """The one year of the selected rows; None, with `refusal` said, when they span several."""
    years = sorted(set(queryset.values_list("year", flat=True)))
    if len(years) != 1:
        messages.error(request, refusal)
        return None
    return years[0]


# --- Supervision ----------------------------------------------------------------------------


@admin.register(Appointee)
class AppointeeAdmin(admin.ModelAdmin):
    list_display = ["name", "post", "organisation", "appointed_on"]
    search_fields = ["name", "post"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


class DocumentForm(forms.ModelForm):
    """The current file links to the checked view: /media/ serves only public items' papers."""

    class Meta:
        model = SupervisionDocument
        fields = ["title", "file", "order"]
        widgets = {"file": CheckedFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.file and "file" in self.fields:
            self.fields["file"].widget.open_url = files.document_url(self.instance)


class DocumentInline(admin.TabularInline):
    model = SupervisionDocument
    form = DocumentForm
    extra = 0
    readonly_fields = ["document_file"]

    def get_fields(self, request, obj=None):
        # Read-only, the file would be shown with its /media/ address: link the checked view.
        if self.has_change_permission(request, obj):
            return ["title", "file", "order"]
        return ["title", "document_file", "order"]

    @admin.display(description=_("PDF file"))
    def document_file(self, obj):
        return pdf_link(obj, files.document_url)


class ReviewOpinionInline(admin.TabularInline):
    model = ReviewOpinion
    extra = 0
    fields = ["issued_on", "report_due", "text"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # issued through the review opinion page, which sets the due date


@admin.register(SupervisionItem)
class SupervisionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "meeting", "is_public"]
    list_filter = ["kind", "is_public", "meeting__date"]
    search_fields = ["title", "summary"]
    list_select_related = ["meeting__term"]
    autocomplete_fields = ["reporting_organisation", "appointee"]
    readonly_fields = ["is_public"]
    inlines = [DocumentInline, ReviewOpinionInline]
    actions = ["publish"]

    @admin.action(description=_("Publish the selected items"))
    def publish(self, request, queryset):
        done = sum(
            run_service(
                request, partial(services.supervision_item_publish, item=item, actor=request.user)
            )
            for item in queryset.filter(is_public=False)
        )
        self.message_user(request, gettext("%(n)s items published.") % {"n": done})


class ReportStatusFilter(admin.SimpleListFilter):
    title = _("handling report")
    parameter_name = "report"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("overdue")),
            ("waiting", _("not yet due")),
            ("received", _("received")),
        ]

    def queryset(self, request, queryset):
        received = RectificationReport.objects.filter(opinion=OuterRef("pk"))
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(on=today)
        if self.value() == "waiting":
            return queryset.exclude(Exists(received)).filter(report_due__gte=today)
        if self.value() == "received":
            return queryset.filter(Exists(received))
        return queryset


def pdf_link(obj, url_of):
    """A link to a stored PDF through its checked view (supervision/files.py), or "-"."""
    if not obj.pk or not obj.file:
        return "-"
    return format_html('<a href="{}">{}</a>', url_of(obj), gettext("Open the PDF"))


class RectificationReportInline(admin.StackedInline):
    model = RectificationReport
    extra = 0
    fields = ["received_on", "text", "report_file"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description=_("PDF file"))
    def report_file(self, obj):
        return pdf_link(obj, files.report_url)

    def has_add_permission(self, request, obj=None):
        return False  # received through the handling report page (a service)


ReviewOpinionForm = service_checked_form(
    ReviewOpinion,
    ["item", "text", "issued_on"],
    services.review_opinion_check,
    ("item", "issued_on"),
)


@admin.register(ReviewOpinion)
class ReviewOpinionAdmin(admin.ModelAdmin):
    form = ReviewOpinionForm
    list_display = ["item", "issued_on", "report_due", "report_received"]
    list_filter = [ReportStatusFilter, "issued_on"]
    search_fields = ["item__title", "text"]
    list_select_related = ["item"]
    autocomplete_fields = ["item"]
    readonly_fields = ["report_due"]
    inlines = [RectificationReportInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(has_report=Exists(RectificationReport.objects.filter(opinion=OuterRef("pk"))))
        )

    @admin.display(boolean=True, description=_("report received"))
    def report_received(self, obj):
        return obj.has_report

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.review_opinion_issue(
            item=obj.item, text=obj.text, issued_on=obj.issued_on, actor=request.user
        )
        obj.pk, obj.report_due = created.pk, created.report_due


class RectificationReportForm(ServiceCheckedForm):
    check = staticmethod(services.rectification_report_check)
    check_fields = ("opinion", "received_on", "text", "file")

    class Meta:
        model = RectificationReport
        fields = ["opinion", "received_on", "text", "file"]
        widgets = {"file": CheckedFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.file and "file" in self.fields:
            self.fields["file"].widget.open_url = files.report_url(self.instance)


@admin.register(RectificationReport)
class RectificationReportAdmin(admin.ModelAdmin):
    form = RectificationReportForm
    list_display = ["opinion", "received_on"]
    list_select_related = ["opinion__item"]
    autocomplete_fields = ["opinion"]
    readonly_fields = ["report_file"]

    def get_fields(self, request, obj=None):
        # Read-only, the file would be shown with its /media/ address: link the checked view.
        if obj is None or self.has_change_permission(request, obj):
            return ["opinion", "received_on", "text", "file"]
        return ["opinion", "received_on", "text", "report_file"]

    @admin.display(description=_("PDF file"))
    def report_file(self, obj):
        return pdf_link(obj, files.report_url)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.rectification_report_receive(
            opinion=obj.opinion,
            received_on=obj.received_on,
            text=obj.text,
            file=obj.file or None,
            actor=request.user,
        )
        obj.pk = created.pk


# --- Polls ------------------------------------------------------------------------------------


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0
    fields = ["order", "label", "amount", "description"]
    formfield_overrides = MONEY_OVERRIDES

    def _editable(self, obj):
        return obj is None or obj.status == Poll.Status.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj)


class PaperTallyInline(admin.TabularInline):
    model = PaperTally
    extra = 0
    fields = ["label", "issued", "returned", "valid", "invalid", "entered_by", "entered_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


RULE_FIELDS = ["kind", "method", "max_choices", "seats", "base", "majority"]


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "opens_at", "closes_at", "roll_size"]
    list_filter = [PollQueueFilter, "kind", "status"]
    search_fields = ["title"]
    inlines = [PollOptionInline, PaperTallyInline]
    actions = ["open_polls", "close_polls", "publish_polls", "create_runoffs"]
    fields = [
        "term",
        "title",
        "description",
        *RULE_FIELDS,
        "present",
        "opens_at",
        "closes_at",
        "status",
        "roll_size",
        "runoff_of",
        "result_table",
        "tally_link",
    ]

    def get_changeform_initial_data(self, request):
        return {**vote_window(), **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        fixed = ["status", "roll_size", "runoff_of", "result_table", "tally_link"]
        if obj is not None and obj.status != Poll.Status.DRAFT:
            fixed += ["term", "title", *RULE_FIELDS, "opens_at", "closes_at"]
            if obj.status != Poll.Status.OPEN:
                fixed += ["present", "description"]
        return fixed

    @admin.display(description=pgettext_lazy("vote", "result"))
    def result_table(self, obj):
        if obj is None or not hasattr(obj, "result"):
            return "—"
        outcome = obj.result.summary
        labels = dict(obj.options.values_list("pk", "label"))
        lines = [
            f"{labels.get(line.option, line.option)}: {line.votes}"
            f" ({line.share or '—'}%) · {rules.outcome_label(obj.method, line.outcome)}"
            for line in outcome.lines
        ]
        return format_html(
            "<p>{}</p>",
            gettext("Ballots cast %(cast)s, valid %(valid)s, invalid %(invalid)s, base %(base)s.")
            % {
                "cast": outcome.cast,
                "valid": outcome.valid,
                "invalid": outcome.invalid,
                "base": outcome.base,
            },
        ) + format_html("<pre>{}</pre>", "\n".join(lines))

    @admin.display(description=_("paper ballots"))
    def tally_link(self, obj):
        if obj is None or obj.status != Poll.Status.OPEN:
            return "—"
        url = reverse("admin:supervision_poll_tally", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Enter a paper tally"))

    @admin.action(description=_("Open the selected votes (roll: the serving deputies)"))
    def open_polls(self, request, queryset):
        for poll in queryset:
            run_service(request, partial(services.poll_open, poll=poll, actor=request.user))

    @admin.action(description=_("Close the selected votes and count them"))
    def close_polls(self, request, queryset):
        for poll in queryset:
            if not run_service(
                request, partial(services.poll_close, poll=poll, actor=request.user)
            ):
                continue
            # A livelihood ballot's count decides which candidates are selected.
            if LivelihoodProject.objects.filter(ballot_option__poll=poll).exists():
                run_service(
                    request,
                    partial(services.livelihood_selection_record, poll=poll, actor=request.user),
                )
            messages.success(
                request, gettext("%(poll)s was closed and counted.") % {"poll": poll.title}
            )

    @admin.action(description=_("Publish the results of the selected votes"))
    def publish_polls(self, request, queryset):
        for poll in queryset:
            run_service(request, partial(services.poll_publish, poll=poll, actor=request.user))

    @admin.action(description=_("Create a run-off among the tied options"))
    def create_runoffs(self, request, queryset):
        opens = timezone.now() + datetime.timedelta(hours=1)
        for poll in queryset:
            run_service(
                request,
                partial(
                    services.poll_runoff_create,
                    poll=poll,
                    opens_at=opens,
                    closes_at=opens + datetime.timedelta(hours=2),
                    actor=request.user,
                ),
            )

    def get_urls(self):
        return [
            *own_pages(self, ("<int:pk>/tally/", self.paper_tally_view, "tally")),
            *super().get_urls(),
        ]

    def paper_tally_view(self, request, pk):
        poll = self.get_object(request, str(pk))
        if poll is None or not self.has_change_permission(request, poll):
            raise Http404
        options = list(poll.options.all())
        form = PaperTallyForm(request.POST or None, poll=poll, options=options)
        if request.method == "POST" and form.is_valid():
            try:
                services.paper_tally_enter(
                    poll=poll,
                    label=form.cleaned_data["label"],
                    issued=form.cleaned_data["issued"],
                    returned=form.cleaned_data["returned"],
                    valid=form.cleaned_data["valid"],
                    invalid=form.cleaned_data["invalid"],
                    counts=form.counts,
                    actor=request.user,
                )
            except services.PaperTallyInvalid as error:
                for message in error.errors:
                    form.add_error(None, message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, gettext("The paper tally was recorded."))
                return redirect("admin:supervision_poll_change", poll.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Paper tally: %(poll)s") % {"poll": poll.title},
            "poll": poll,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "supervision/admin_paper_tally.html", context)


# --- Projects -------------------------------------------------------------------------------


class ApprovalInline(admin.TabularInline):
    model = ProjectApproval
    extra = 0
    readonly_fields = ["step", "decided_on"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # recorded in order with the "record approval" page (a service)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class InspectionInline(admin.StackedInline):
    model = Inspection
    extra = 0
    autocomplete_fields = ["group"]


class ApprovalStepForm(forms.Form):
    step = forms.ChoiceField(choices=ProjectApproval.Step.choices, label=_("approval step"))
    decided_on = forms.DateField(label=_("decided on"), initial=timezone.localdate)


class BallotForm(forms.Form):
    """The session's ballot among the year's approved candidates: choose K of N."""

    title = forms.CharField(max_length=200, label=_("title"))
    max_choices = forms.IntegerField(
        min_value=1,
        label=_("most choices per ballot"),
        help_text=_("A ballot marking more candidates than this is invalid."),
    )
    seats = forms.IntegerField(
        min_value=1,
        label=_("projects to select"),
        help_text=_("Fewer than the candidates: the vote is competitive (差额票决)."),
    )
    base = forms.ChoiceField(choices=rules.Base.choices, label=_("threshold base"))
    majority = forms.ChoiceField(choices=rules.Majority.choices, label=_("majority"))
    opens_at = forms.DateTimeField(label=_("opens at"))
    closes_at = forms.DateTimeField(label=_("closes at"))

    def clean(self):
        cleaned = super().clean()
        k, n = cleaned.get("max_choices"), cleaned.get("seats")
        if k and n and k > n:
            self.add_error(
                "max_choices", _("A ballot may not mark more candidates than there are places.")
            )
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("A vote must close after it opens."))
        return cleaned


class EvaluationForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("title"))
    opens_at = forms.DateTimeField(label=_("opens at"))
    closes_at = forms.DateTimeField(label=_("closes at"))


@admin.register(LivelihoodProject)
class LivelihoodProjectAdmin(admin.ModelAdmin):
    """The year's livelihood projects: candidates (from the ideas), their approval chain, the
    session's ballot, and once selected their implementation (milestones, inspections, progress)
    and the year-end evaluation — all from here, each step through a service."""

    formfield_overrides = MONEY_OVERRIDES
    list_display = ["title", "year", "owner", "investment_display", "status", "progress"]
    list_filter = ["year", "status"]
    search_fields = ["title", "description"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["status", "ballot_option", "evaluation_option"]
    inlines = [ApprovalInline, MilestoneInline, InspectionInline]
    actions = ["record_approval", "create_ballot", "create_evaluation"]

    @admin.display(description=_("investment"), ordering="investment")
    def investment_display(self, obj):
        return money_display(obj.investment)

    @admin.action(description=_("Record an approval step for the selected candidates…"))
    def record_approval(self, request, queryset):
        form = ApprovalStepForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for project in queryset.order_by("order", "id"):
                done += run_service(
                    request,
                    partial(
                        services.project_approval_record,
                        project=project,
                        step=form.cleaned_data["step"],
                        decided_on=form.cleaned_data["decided_on"],
                        actor=request.user,
                    ),
                )
            if done:
                messages.success(
                    request, gettext("%(count)s approvals recorded.") % {"count": done}
                )
            return None
        return action_page(
            self,
            request,
            queryset=queryset,
            form=form,
            title=gettext("Record an approval step"),
        )

    @admin.action(description=_("Create the session ballot among the year's approved candidates…"))
    def create_ballot(self, request, queryset):
        year = one_year(request, queryset, gettext("Select candidates of one year."))
        if year is None:
            return None
        candidates = LivelihoodProject.objects.filter(
            year=year,
            status=LivelihoodProject.Status.CANDIDATE,
            approvals__step=ProjectApproval.Step.STANDING,
        ).count()
        form = BallotForm(
            request.POST if "apply" in request.POST else None,
            initial={
                "title": gettext("Vote on the livelihood projects of %(year)s") % {"year": year},
                "max_choices": max(candidates - 2, 1),
                "seats": max(candidates - 2, 1),
                "base": rules.Base.ELIGIBLE,
                "majority": rules.Majority.MORE_THAN_HALF,
                **vote_window(),
            },
        )

        def created(poll):
            messages.success(
                request,
                gettext(
                    "The ballot was created with %(count)s candidates: open it when the vote begins."
                )
                % {"count": poll.options.count()},
            )
            return redirect("admin:supervision_poll_change", poll.pk)

        return make_from_form(
            self,
            request,
            queryset,
            form=form,
            title=gettext("Create the ballot on the livelihood projects of %(year)s")
            % {"year": year},
            call=lambda data: services.livelihood_ballot_create(
                year=year, actor=request.user, **data
            ),
            then=created,
        )

    @admin.action(description=_("Create the year-end satisfaction evaluation…"))
    def create_evaluation(self, request, queryset):
        year = one_year(request, queryset, gettext("Select projects of one year."))
        if year is None:
            return None
        form = EvaluationForm(
            request.POST if "apply" in request.POST else None,
            initial={
                "title": gettext("Satisfaction evaluation of the livelihood projects of %(year)s")
                % {"year": year},
                **vote_window(),
            },
        )
        return make_from_form(
            self,
            request,
            queryset,
            form=form,
            title=gettext("Create the year-end satisfaction evaluation"),
            call=lambda data: services.livelihood_evaluation_create(
                year=year, actor=request.user, **data
            ),
            then=lambda poll: redirect("admin:supervision_poll_change", poll.pk),
        )


ProjectApprovalForm = service_checked_form(
    ProjectApproval, ["project", "step", "decided_on"], services.project_approval_check
)


@admin.register(ProjectApproval)
class ProjectApprovalAdmin(admin.ModelAdmin):
    form = ProjectApprovalForm
    list_display = ["project", "step", "decided_on"]
    list_filter = ["step"]
    autocomplete_fields = ["project"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = services.project_approval_record(
            project=obj.project, step=obj.step, decided_on=obj.decided_on, actor=request.user
        )
        obj.pk = created.pk


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["project", "group", "date"]
    list_select_related = ["project", "group"]
    autocomplete_fields = ["project", "group"]
    inlines = [type("PhotoInline", (admin.TabularInline,), {"model": InspectionPhoto, "extra": 0})]


class CandidateForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("title"))
    description = forms.CharField(widget=forms.Textarea, label=_("description"))
    investment = MoneyField(label=_("investment"))
    owner = forms.ModelChoiceField(
        Organisation.objects.active(), required=False, label=_("owner unit")
    )
    area = forms.CharField(max_length=50, required=False, label=_("area"))


@admin.register(ProjectIdea)
class ProjectIdeaAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "short_text", "received_on", "project"]
    list_filter = ["year", "source", ("project", admin.EmptyFieldListFilter)]
    search_fields = ["text", "opinion_reference"]
    autocomplete_fields = ["project"]
    actions = ["make_candidate"]

    @admin.display(description=_("idea"))
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 40 else obj.text[:40] + "…"

    @admin.action(description=_("Make a candidate project from the selected ideas…"))
    def make_candidate(self, request, queryset):
        year = one_year(request, queryset, gettext("Select ideas of one year."))
        if year is None:
            return None
        form = CandidateForm(
            request.POST if "apply" in request.POST else None,
            initial={"description": "\n".join(queryset.values_list("text", flat=True))},
        )

        def made(project):
            messages.success(
                request,
                gettext("%(title)s is now a candidate for %(year)s.")
                % {"title": project.title, "year": project.year},
            )
            return redirect("admin:supervision_livelihoodproject_change", project.pk)

        return make_from_form(
            self,
            request,
            queryset,
            form=form,
            title=gettext("Make a candidate project"),
            call=lambda data: services.livelihood_candidate_create(
                year=year, ideas=list(queryset), actor=request.user, **data
            ),
            then=made,
        )


@admin.register(MajorProject)
class MajorProjectAdmin(admin.ModelAdmin):
    formfield_overrides = MONEY_OVERRIDES
    list_display = ["name", "year", "investment", "needs_vote", "owner"]
    list_filter = ["year"]
    search_fields = ["name"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["approval_option"]
    actions = ["create_vote"]

    @admin.display(boolean=True, description=_("put to a vote"))
    def needs_vote(self, obj):
        return obj.needs_vote

    @admin.action(description=_("Create the approval vote for the selected projects' years"))
    def create_vote(self, request, queryset):
        opens = timezone.now() + datetime.timedelta(days=1)
        for year in sorted(set(queryset.values_list("year", flat=True))):
            title = gettext(
                "Approval vote on the major government investment projects of %(year)s"
            ) % {"year": year}
            run_service(
                request,
                partial(
                    services.major_project_poll_create,
                    year=year,
                    title=title,
                    opens_at=opens,
                    closes_at=opens + datetime.timedelta(hours=3),
                    actor=request.user,
                ),
            )


# Networked budget supervision likewise.

# --- The deputies' yearly satisfaction poll on each handling unit (issue 16) -----------------


class UnitEvaluationForm(forms.Form):
    """Open one satisfaction poll per chosen unit, its scorecard for the year as the evidence."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    organisations = forms.ModelMultipleChoiceField(
        Organisation.objects.active(),
        label=_("handling units"),
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = forms.DateTimeField(label=_("opens at"))
    closes_at = forms.DateTimeField(label=_("closes at"))

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", gettext("A vote must close after it opens."))
        return data


@admin.register(UnitEvaluation)
class UnitEvaluationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The units' satisfaction polls, one per unit and year: opened here (添加), counted and
    published as every other vote, from the poll's own page."""

    list_display = ["year", "organisation", "poll_link", "poll_status"]
    list_filter = ["year"]
    list_select_related = ["organisation", "poll"]

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("supervision.add_poll")

    @admin.display(description=_("poll"))
    def poll_link(self, obj):
        url = reverse("admin:supervision_poll_change", args=[obj.poll_id])
        return format_html('<a href="{}">{}</a>', url, obj.poll.title)

    @admin.display(description=_("status"))
    def poll_status(self, obj):
        return obj.poll.get_status_display()

    def add_view(self, request, form_url="", extra_context=None):
        year = timezone.localdate().year - 1
        form = UnitEvaluationForm(
            request.POST or None,
            initial={"year": year, "organisations": Organisation.objects.active(), **vote_window()},
        )

        def opened(polls):
            messages.success(
                request,
                gettext("%(count)s satisfaction polls opened.") % {"count": len(polls)},
            )
            return redirect("admin:supervision_unitevaluation_changelist")

        return make_from_form(
            self,
            request,
            None,
            form=form,
            title=gettext("Open the deputies' satisfaction polls on the handling units"),
            call=lambda data: services.unit_evaluations_open(actor=request.user, **data),
            then=opened,
        )


from supervision.budget import admin as budget_admin  # noqa: E402,F401
from supervision.budget import case_admin as budget_case_admin  # noqa: E402,F401
from supervision.filing import admin as filing_admin  # noqa: E402,F401
