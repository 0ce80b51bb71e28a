"""The deputy's budget pages in the workspace: the register in plain words (every current month,
published or not), the draft budget for next year by department, and the deputy's questions on
it (drafts are theirs alone; answered questions are read by every deputy)."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from congress.kit.admin import run_for_form
from congress.kit.errors import DomainError
from congress.models import Organisation, TimelineEntry
from congress.timeline import timeline_rows
from deputies.portal import deputy_required
from supervision.budget import cases, register
from supervision.budget.session import BudgetQuestion, DraftBudgetLine


@deputy_required
def budget(request, deputy):
    years = register.years(published_only=False)
    raw = request.GET.get("year", "")
    if raw:
        if not raw.isdigit() or int(raw) not in years:
            return HttpResponseBadRequest(_("There are no budget figures for that year."))
        year = int(raw)
    else:
        year = years[0] if years else None
    drafts = sorted(set(DraftBudgetLine.objects.values_list("year", flat=True)), reverse=True)
    return render(
        request,
        "supervision/budget_portal.html",
        {
            "deputy": deputy,
            "year": year,
            "years": years,
            "sections": register.sections(year, published_only=False) if year else [],
            "draft_years": drafts,
        },
    )


class LineField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.department} · {obj.name}"


class QuestionForm(forms.Form):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Organisation.objects.none()
    )
    line = LineField(
        label=gettext_lazy("Budget line (optional)"),
        queryset=DraftBudgetLine.objects.none(),
        required=False,
    )
    text = forms.CharField(
        label=gettext_lazy("Your question"), widget=forms.Textarea(attrs={"rows": 4})
    )
    send = forms.BooleanField(
        label=gettext_lazy("Send it now (otherwise it is kept as your draft)"), required=False
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        lines = DraftBudgetLine.objects.filter(year=year).select_related("department")
        department = cast(forms.ModelChoiceField, self.fields["department"])
        department.queryset = Organisation.objects.filter(
            pk__in=lines.values("department")
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["line"]).queryset = lines

    def clean(self):
        data = super().clean()
        line, department = data.get("line"), data.get("department")
        if line is not None and department is not None and line.department_id != department.pk:
            self.add_error("line", _("Choose a line of this department's budget."))
        return data


def question_timelines(questions) -> dict[int, list[dict]]:
    """Each question's thread (sent, answered, published), read in one query."""
    entries = TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(BudgetQuestion),
        object_id__in=[question.pk for question in questions],
    ).order_by("at", "id")
    threads: dict[int, list] = {}
    for entry in entries:
        threads.setdefault(entry.object_id, []).append(entry)
    return {pk: timeline_rows(rows) for pk, rows in threads.items()}


def yuan(amount) -> str:
    return f"{amount:,.2f}"


@deputy_required
def draft(request, deputy, year):
    lines = list(
        DraftBudgetLine.objects.filter(year=year)
        .select_related("department")
        .order_by("department__name", "order", "id")
    )
    if not lines:
        raise Http404
    form = QuestionForm(request.POST or None, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question = run_for_form(
            form,
            lambda: cases.question_write(
                deputy=deputy,
                year=year,
                department=data["department"],
                line=data["line"],
                text=data["text"],
                send=data["send"],
            ),
        )
        if question is not None:
            messages.success(
                request,
                _("Your question is sent to the finance bureau.")
                if data["send"]
                else _("Your question is kept as a draft: send it when it is ready."),
            )
            return redirect("supervision:budget_draft", year=year)
    departments: dict = {}
    for line in lines:
        line.amount_text = yuan(line.amount)
        departments.setdefault(line.department, []).append(line)
    questions = list(
        BudgetQuestion.objects.for_deputy(deputy)
        .filter(year=year)
        .select_related("department", "line", "deputy")
        .order_by("department__name", "created_at", "id")
    )
    threads = question_timelines(questions)
    for question in questions:
        question.thread = threads.get(question.pk, [])
    return render(
        request,
        "supervision/budget_draft.html",
        {
            "deputy": deputy,
            "year": year,
            "departments": [
                (department, rows, yuan(sum(line.amount for line in rows)))
                for department, rows in departments.items()
            ],
            "total": yuan(sum(line.amount for line in lines)),
            "form": form,
            "questions": questions,
        },
        status=400 if form.errors else 200,
    )


@deputy_required
@require_POST
def question_send(request, deputy, pk):
    question = get_object_or_404(BudgetQuestion, pk=pk, deputy=deputy)
    try:
        cases.question_send(question=question, deputy=deputy)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your question is sent to the finance bureau."))
    return redirect("supervision:budget_draft", year=question.year)
