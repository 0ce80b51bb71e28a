"""What this app adds to the deputy's overview (/portal/): requests to co-sign, each with the
day to answer by and one-tap buttons to co-sign or decline; contacts a unit recorded that wait
for the lead deputy's confirmation (面商)."""

from django.utils import timezone

from congress.kit.rules import rule
from congress.kit.workdays import add_working_days
from proposals import selectors
from proposals.models import Contact


def answer_by(signature):
    """The last day to answer a request to co-sign (CONGRESS_RULES' working days)."""
    days = rule("SIGNATURE_ANSWER_WORKING_DAYS")
    return add_working_days(timezone.localdate(signature.requested_at), days)


def signature_requests_panel(request, deputy):
    requests = list(
        selectors.signature_requests(deputy)
        .select_related("motion__session__term")
        .order_by("requested_at", "id")
    )
    if not requests:
        return None
    today = timezone.localdate()
    for signature in requests:
        signature.answer_by = answer_by(signature)
        signature.overdue = signature.answer_by < today
    return "portal/_signature_requests.html", {"requests": requests, "today": today}


def contacts_to_confirm_panel(request, deputy):
    """Contacts the lead units recorded on my suggestions that wait for my answer (one query)."""
    contacts = list(
        Contact.objects.filter(suggestion__lead=deputy, status=Contact.Status.PENDING)
        .select_related("suggestion", "assignment__organisation")
        .order_by("contact_on", "id")[:20]
    )
    if not contacts:
        return None
    return "portal/_contacts_to_confirm.html", {"contacts": contacts}
