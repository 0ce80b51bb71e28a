"""The proposals app's open datasets (congress/opendata): suggestions, replies, motions and
residents' opinions as counts only."""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.models import Session, Term
from congress.opendata.datasets import Dataset, columns, dataset, grouped, in_chunks, register
from proposals.models import Assignment, Opinion, Reply, Signature, Suggestion
from proposals.selectors import public_motions

SUGGESTION_FIELDS = (
    "id", "code", "year", "session__term__number", "session__number", "title", "category__name",
    "lead__name", "lead__delegation__name", "status", "key_supervision", "registered_at",
    "assigned_at", "replied_at", "closed_at", "body",
)  # fmt: skip


def _suggestions(year):
    queryset = Suggestion.objects.public().order_by("year", "session__number", "number", "id")
    return queryset.filter(year=year) if year else queryset


def _session_label(term: int, number: int) -> str:
    return Session(number=number, term=Term(number=term)).label


def _suggestion_rows(year):
    """Plain tuples from the database, chunk by chunk: no model object per row.

    Per chunk of rows, three queries bring the chunk's co-signers, handling units and first
    replies; memory holds one chunk, whatever the number of rows.
    """
    statuses = dict(Suggestion.Status.choices)
    between = _("between sessions")
    sessions: dict[tuple[int, int], str] = {}
    rows = _suggestions(year).values_list(*SUGGESTION_FIELDS)
    for chunk in in_chunks(rows):
        ids = [row[0] for row in chunk]
        cosigners = grouped(
            Signature.objects.filter(suggestion_id__in=ids, status=Signature.Status.CONFIRMED)
            .order_by("id")
            .values_list("suggestion_id", "deputy__name")
        )
        lead_units, co_units = {}, {}
        units = (
            Assignment.objects.filter(suggestion_id__in=ids, active=True)
            .order_by("role", "id")
            .values_list("suggestion_id", "role", "organisation__name")
        )
        for pk, role, unit in units:
            (lead_units if role == "lead" else co_units).setdefault(pk, []).append(unit)
        first_reply: dict[int, str] = {}
        replies = (
            Reply.objects.published()
            .filter(suggestion_id__in=ids, is_followup=False)
            .order_by("replied_at", "id")
            .values_list("suggestion_id", "reply_class")
        )
        for pk, reply_class in replies:
            first_reply.setdefault(pk, reply_class)
        for (pk, code, year_, term, session, title, category, lead, delegation, status,
             key_supervision, registered, assigned, replied, closed, body) in chunk:  # fmt: skip
            if session is None:
                label = between
            elif (term, session) in sessions:
                label = sessions[term, session]
            else:
                label = sessions[term, session] = _session_label(term, session)
            yield (
                pk,
                code,
                year_,
                label,
                title,
                category or "",
                lead,
                delegation,
                "、".join(cosigners.get(pk, ())),
                statuses.get(status, status),
                key_supervision,
                "、".join(lead_units.get(pk, ())),
                "、".join(co_units.get(pk, ())),
                first_reply.get(pk, ""),
                registered,
                assigned,
                replied,
                closed,
                body,
            )


register(
    Dataset(
        "suggestions",
        _("Suggestions"),
        _("Deputies' published suggestions with their handling units, reply class and dates."),
        columns(
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
        ),
        _suggestion_rows,
        lambda year: _suggestions(year).count(),
    )
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


_categories = dict(Opinion._meta.get_field("category").choices or ())
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
