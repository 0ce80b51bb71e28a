"""The proposals app's open datasets (congress/opendata): suggestions, replies, motions and
residents' opinions as counts only."""

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.opendata.datasets import dataset, names
from proposals.models import Assignment, Opinion, Reply, Signature, Suggestion
from proposals.selectors import public_motions, public_suggestions


def _suggestions(year):
    queryset = (
        public_suggestions()
        .select_related("lead__delegation")
        .only(
            "id",
            "code",
            "year",
            "title",
            "body",
            "status",
            "key_supervision",
            "session",
            "term",
            "category__name",
            "session__number",
            "session__term__number",
            "lead__name",
            "lead__delegation__name",
            "registered_at",
            "assigned_at",
            "replied_at",
            "closed_at",
        )  # fmt: skip
        .prefetch_related(
            Prefetch(
                "signatures",
                Signature.objects.filter(status=Signature.Status.CONFIRMED)
                .select_related("deputy")
                .only("id", "suggestion_id", "deputy__name")
                .order_by("id"),
            ),
            Prefetch(
                "assignments",
                Assignment.objects.filter(active=True)
                .select_related("organisation")
                .only("id", "suggestion_id", "role", "organisation__name")
                .order_by("role", "id"),
            ),
            Prefetch(
                "replies",
                Reply.objects.published()
                .filter(is_followup=False)
                .only("id", "suggestion_id", "reply_class", "replied_at")
                .order_by("replied_at", "id"),
                to_attr="first_replies",
            ),
        )
        .order_by("year", "session__number", "number", "id")
    )
    return queryset.filter(year=year) if year else queryset


def _suggestion_row(s):
    lead_units = [a.organisation.name for a in s.assignments.all() if a.role == "lead"]
    co_units = [a.organisation.name for a in s.assignments.all() if a.role != "lead"]
    first = s.first_replies[0] if s.first_replies else None
    return (
        s.pk,
        s.code,
        s.year,
        s.session.label if s.session else _("between sessions"),
        s.title,
        s.category.name if s.category else "",
        s.lead.name,
        s.lead.delegation.name,
        names(sig.deputy for sig in s.signatures.all()),
        s.get_status_display(),
        s.key_supervision,
        "、".join(lead_units),
        "、".join(co_units),
        first.reply_class if first else "",
        s.registered_at,
        s.assigned_at,
        s.replied_at,
        s.closed_at,
        s.body,
    )


dataset(
    "suggestions",
    _("Suggestions"),
    _("Deputies' published suggestions with their handling units, reply class and dates."),
    [
        ("id", _("ID")),
        ("code", _("Item number")),
        ("year", _("Year")),
        ("session", _("Session")),
        ("title", _("Title")),
        ("category", _("Category")),
        ("lead", _("Lead deputy")),
        ("delegation", _("Delegation")),
        ("cosigners", _("Co-signing deputies")),
        ("status", _("Status")),
        ("key_supervision", _("Key supervision")),
        ("lead_units", _("Lead handling unit")),
        ("co_units", _("Co-handling units")),
        ("reply_class", _("Reply class")),
        ("registered_at", _("Registered")),
        ("assigned_at", _("Assigned")),
        ("replied_at", _("Replied")),
        ("closed_at", _("Closed")),
        ("text", _("Text")),
    ],
    _suggestions,
    _suggestion_row,
)


def _replies(year):
    queryset = (
        Reply.objects.published()
        .filter(suggestion__in=Suggestion.objects.public())
        .select_related("suggestion", "organisation")
        .only(
            "id",
            "reply_class",
            "letter_number",
            "text",
            "replied_at",
            "published_at",
            "is_followup",
            "suggestion__id",
            "suggestion__code",
            "suggestion__title",
            "organisation__name",
        )  # fmt: skip
        .order_by("replied_at", "id")
    )
    return queryset.filter(replied_at__year=year) if year else queryset


dataset(
    "replies",
    _("Replies"),
    _("Handling units' published replies to public suggestions."),
    [
        ("id", _("ID")),
        ("suggestion_id", _("Suggestion ID")),
        ("suggestion_code", _("Item number")),
        ("suggestion_title", _("Suggestion")),
        ("unit", _("Handling unit")),
        ("reply_class", _("Reply class")),
        ("letter_number", _("Letter number")),
        ("replied_on", _("Replied on")),
        ("published_at", _("Published")),
        ("follow_up", _("Follow-up reply")),
        ("text", _("Text")),
    ],
    _replies,
    lambda r: (
        r.pk,
        r.suggestion.pk,
        r.suggestion.code,
        r.suggestion.title,
        r.organisation.name,
        r.reply_class,
        r.letter_number,
        r.replied_at,
        r.published_at,
        r.is_followup,
        r.text,
    ),
)


def _motions(year):
    queryset = (
        public_motions()
        .annotate(
            signers=Count("signatures", filter=Q(signatures__status=Signature.Status.CONFIRMED))
        )
        .order_by("session__start_date", "number", "id")
    )
    return queryset.filter(session__start_date__year=year) if year else queryset


dataset(
    "motions",
    _("Motions"),
    _("Motions filed at the sessions, their review outcome and resolution."),
    [
        ("id", _("ID")),
        ("code", _("Item number")),
        ("session", _("Session")),
        ("title", _("Title")),
        ("lead", _("Lead deputy")),
        ("cosigners", _("Co-signing deputies")),
        ("status", _("Status")),
        ("review_outcome", _("Review outcome")),
        ("resolution_date", _("Resolution adopted on")),
        ("reason", _("Reason")),
        ("proposal", _("Proposed solution")),
    ],
    _motions,
    lambda m: (
        m.pk,
        m.code,
        m.session.label,
        m.title,
        m.lead.name,
        m.signers,
        m.get_status_display(),
        m.get_review_outcome_display() if m.review_outcome else "",
        m.resolution_date,
        m.reason,
        m.proposal,
    ),
)


def _opinion_counts(year):
    """Residents' opinions as counts only: by station, month and category — never a content."""
    queryset = Opinion.objects.all()
    if year:
        queryset = queryset.filter(submitted_at__year=year)
    return (
        queryset.annotate(month=TruncMonth("submitted_at"))
        .values("month", "station__name", "category")
        .annotate(
            received=Count("id"),
            closed=Count("id", filter=Q(closed_at__isnull=False)),
        )
        .order_by("month", "station__name", "category")
    )


_categories = dict(Opinion._meta.get_field("category").choices)
dataset(
    "opinion-counts",
    _("Residents' opinions (counts)"),
    _(
        "How many opinions residents sent, by station, month and category, and how many were "
        "closed. Counts only: no opinion's text and nobody's name or phone."
    ),
    [
        ("month", _("Month")),
        ("station", _("Station")),
        ("category", _("Category")),
        ("received", pgettext_lazy("count", "Received")),
        ("closed", pgettext_lazy("count", "Closed")),
    ],
    _opinion_counts,
    lambda r: (
        timezone.localtime(r["month"]).strftime("%Y-%m") if r["month"] else "",
        r["station__name"] or _("sent to a deputy"),
        _categories.get(r["category"], r["category"]),
        r["received"],
        r["closed"],
    ),
)
