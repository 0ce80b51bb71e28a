"""The official suggestion form (代表建议) as congress offices print it: number, session,
category, title, lead and co-signers, the text, the handling units. One PDF for the deputy's
workspace and for the back office (congress/kit/printing.py renders it with embedded CJK fonts)."""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.kit.printing import html_to_pdf, pdf_response
from proposals.models import Assignment, Signature, Suggestion


def suggestion_form_queryset(queryset):
    return queryset.select_related(
        "category", "session__term", "term", "lead__delegation"
    ).prefetch_related(
        Prefetch(
            "signatures",
            Signature.objects.filter(status=Signature.Status.CONFIRMED).select_related(
                "deputy__delegation"
            ),
        ),
        Prefetch(
            "assignments",
            Assignment.objects.filter(active=True)
            .select_related("organisation")
            .order_by("role", "id"),
        ),
    )


def suggestion_form_response(request, suggestion: Suggestion):
    assignments = list(suggestion.assignments.all())
    html = render_to_string(
        "proposals/suggestion_form_pdf.html",
        {
            "item": suggestion,
            "cosigners": [s.deputy for s in suggestion.signatures.all()],
            "lead_units": [a.organisation for a in assignments if a.role == Assignment.Role.LEAD],
            "co_units": [a.organisation for a in assignments if a.role == Assignment.Role.CO],
            "printed_on": timezone.localdate(),
        },
        request,
    )
    name = suggestion.code or _("draft-%(pk)s") % {"pk": suggestion.pk}
    return pdf_response(
        html_to_pdf(html, "css/print-record.css"),
        _("suggestion-%(name)s.pdf") % {"name": name},
        private=True,
    )
