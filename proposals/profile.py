"""What the deputy's public profile and performance record show of suggestions and motions:
the public items the deputy led or co-signed (confirmed), with their status, and the year's
counts. Registered with deputies.profile in ProposalsConfig.ready()."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from deputies.portal import overview_panel
from deputies.profile import ProfilePart, profile_part
from proposals import selectors
from proposals.models import Motion, Signature
from proposals.portal_panels import contacts_to_confirm_panel, signature_requests_panel

ITEMS_SHOWN = 50


def _signed(deputy, field):
    return Exists(
        Signature.objects.filter(
            **{field: OuterRef("pk")}, deputy=deputy, status=Signature.Status.CONFIRMED
        )
    )


@profile_part
def deputy_items(deputy, year: int) -> ProfilePart:
    suggestions = (
        selectors.public_suggestions()
        .filter(Q(lead=deputy) | _signed(deputy, "suggestion"))
        .order_by("-year", "-id")
    )
    motions = (
        Motion.objects.public()
        .filter(Q(lead=deputy) | _signed(deputy, "motion"))
        .select_related("lead", "session__term")
        .order_by("-submitted_at", "-id")
    )
    led, other = Q(lead=deputy), ~Q(lead=deputy)
    counts = suggestions.filter(year=year).aggregate(
        led=Count("id", filter=led), signed=Count("id", filter=other)
    )
    motion_counts = motions.filter(submitted_at__year=year).aggregate(
        led=Count("id", filter=led), signed=Count("id", filter=other)
    )
    suggestion_rows = list(suggestions[: ITEMS_SHOWN + 1])
    return ProfilePart(
        template="proposals/_deputy_items.html",
        context={
            "deputy": deputy,
            "suggestions": suggestion_rows[:ITEMS_SHOWN],
            "more_suggestions": len(suggestion_rows) > ITEMS_SHOWN,
            "motions": list(motions[:ITEMS_SHOWN]),
        },
        figures=[
            (_("Suggestions led"), counts["led"]),
            (_("Suggestions co-signed"), counts["signed"]),
            (_("Motions led"), motion_counts["led"]),
            (_("Motions signed jointly"), motion_counts["signed"]),
        ],
    )


overview_panel(signature_requests_panel)  # the workspace's first panel: requests to co-sign
overview_panel(contacts_to_confirm_panel)  # then contacts a unit asks the lead to confirm
