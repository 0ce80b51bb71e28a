"""What this app adds to the deputy's overview (/portal/): requests to co-sign, each with the
day to answer by and one-tap buttons to co-sign or decline; contacts a unit recorded that wait
for the lead deputy's confirmation (面商)."""

from django.db import connection
from django.utils import timezone

from congress.kit.rules import rule
from congress.kit.workdays import add_working_days_each
from proposals import selectors
from proposals.models import Contact


def signature_requests_panel(request, deputy):
    requests = selectors.signature_requests_listed(deputy)
    if not requests:
        return None
    today = timezone.localdate()
    days = rule("SIGNATURE_ANSWER_WORKING_DAYS")
    dues = add_working_days_each([timezone.localdate(s["requested_at"]) for s in requests], days)
    for signature, due in zip(requests, dues, strict=True):
        signature["answer_by"] = due  # the last day to answer (CONGRESS_RULES' working days)
        signature["overdue"] = due < today
    return "portal/_signature_requests.html", {"requests": requests, "today": today}


# Contacts the lead units recorded on the deputy's suggestions that wait for the deputy's
# answer, the first 20 by day. Written as SQL: through the ORM the query took ~0.5 ms more to
# build than to run.
CONTACTS_TO_CONFIRM_SQL = """
SELECT c.id, c.suggestion_id, c.contact_on, c.way, s.title, o.name
  FROM proposals_contact c
  JOIN proposals_suggestion s ON s.id = c.suggestion_id
  JOIN proposals_assignment a ON a.id = c.assignment_id
  JOIN congress_organisation o ON o.id = a.organisation_id
 WHERE s.lead_id = %s AND c.status = %s
 ORDER BY c.contact_on, c.id
 LIMIT 20
"""


def contacts_to_confirm_panel(request, deputy):
    """Contacts the lead units recorded on my suggestions that wait for my answer (one query,
    CONTACTS_TO_CONFIRM_SQL; plain rows: the way's label translated once per way)."""
    with connection.cursor() as cursor:
        cursor.execute(CONTACTS_TO_CONFIRM_SQL, [deputy.pk, Contact.Status.PENDING.value])
        rows = cursor.fetchall()
    if not rows:
        return None
    ways: dict[str, str] = {}
    contacts = []
    for pk, suggestion_id, contact_on, way, title, unit in rows:
        if way not in ways:
            ways[way] = str(Contact.Way(way).label) if way in Contact.Way.values else way
        contacts.append(
            {
                "pk": pk,
                "suggestion_id": suggestion_id,
                "contact_on": contact_on,
                "way": ways[way],
                "title": title,
                "unit": unit,
            }
        )
    return "portal/_contacts_to_confirm.html", {"contacts": contacts}
