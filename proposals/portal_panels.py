"""What this app adds to the deputy's overview (/portal/): requests to co-sign, each with the
day to answer by and one-tap buttons to co-sign or decline; contacts a unit recorded that wait
for the lead deputy's confirmation (面商)."""

from django.utils import timezone

from congress.kit.rules import rule
from congress.kit.workdays import add_working_days_each
from proposals import selectors
from proposals.models import Contact


def signature_requests_panel(request, deputy):
    requests = list(selectors.signature_requests_listed(deputy))
    if not requests:
        return None
    today = timezone.localdate()
    days = rule("SIGNATURE_ANSWER_WORKING_DAYS")
    dues = add_working_days_each([timezone.localdate(s.requested_at) for s in requests], days)
    for signature, due in zip(requests, dues, strict=True):
        signature.answer_by = due  # the last day to answer (CONGRESS_RULES' working days)
        signature.overdue = due < today
    return "portal/_signature_requests.html", {"requests": requests, "today": today}


def contacts_to_confirm_panel(request, deputy):
    """Contacts the lead units recorded on my suggestions that wait for my answer (one query)."""
    contacts = list(
        Contact.objects.filter(suggestion__lead=deputy, status=Contact.Status.PENDING)
        .select_related("suggestion", "assignment__organisation")
        .only(
            "id",
            "contact_on",
            "way",
            "suggestion__title",
            "assignment__organisation__name",
        )
        .order_by("contact_on", "id")[:20]
    )
    if not contacts:
        return None
    return "portal/_contacts_to_confirm.html", {"contacts": contacts}
