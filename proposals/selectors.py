"""Reads that pages share: what the public, a deputy and a handling unit may see, pre-joined.

Public selectors return published rows only (public items at least registered, published
replies); none reads a deputy's private columns.
"""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.utils import timezone

from congress.kit.rules import rule
from congress.kit.sqlvalues import aware, constant
from congress.models import Category, Organisation, Session, Term
from deputies.models import Deputy
from proposals.models import (
    Assignment,
    CarryOver,
    Contact,
    Feedback,
    Motion,
    ProgressReport,
    Rating,
    Reply,
    Signature,
    Suggestion,
    TimelineEntry,
)


def public_suggestions():
    """The public list: published items with what a list row shows, in a fixed number of queries."""
    return (
        Suggestion.objects.public()
        .select_related("category", "session__term", "lead__delegation")
        .only(
            "id",
            "code",
            "title",
            "status",
            "year",
            "session",
            "term",
            "category__name",
            "session__number",
            "session__term__number",
            "lead__name",
            "lead__delegation__name",
            "replied_at",
            "closed_at",
            "key_supervision",
        )  # fmt: skip
    )


class PublicListRow(NamedTuple):
    """A row of the public suggestion list, as its table shows it (public_list_rows)."""

    pk: int
    code: str
    title: str
    number: int | None
    status: str
    key_supervision: bool
    lead_name: str
    category_name: str | None
    lead_unit_name: str | None  # the active lead assignment's unit


# A page of the public list by ids, with the names its table shows, as SQL: a search finds the
# page's ids first (proposals.suggestions.views.SearchMatches). Through the ORM (in_bulk with a
# select_related and the lead unit's subquery) building the query and sixty instances cost
# several times what PostgreSQL spent on it. The public filter is Suggestion.objects.public()'s;
# the lead unit is proposals.filters.lead_unit_of's (the active lead assignment, the first by
# id).
PUBLIC_LIST_ROWS_SQL = """
SELECT s.id, s.code, s.title, s.number, s.status, s.key_supervision, d.name, c.name,
       (SELECT o.name
          FROM proposals_assignment a
         INNER JOIN congress_organisation o ON o.id = a.organisation_id
         WHERE a.suggestion_id = s.id AND a.active AND a.role = %s
         ORDER BY a.id
         LIMIT 1)
FROM proposals_suggestion s
INNER JOIN deputies_deputy d ON d.id = s.lead_id
LEFT JOIN congress_category c ON c.id = s.category_id
WHERE s.id IN ({ids}) AND s.is_public AND s.status IN ({statuses})
"""


def public_list_rows(ids: list[int]) -> list[PublicListRow]:
    """The public items among `ids`, in the order of `ids` (an item unpublished since its id
    was read is left out)."""
    if not ids:
        return []
    statuses = Suggestion.Status.published()
    sql = PUBLIC_LIST_ROWS_SQL.format(  # noqa: S608 - only placeholders are formatted in
        ids=", ".join(["%s"] * len(ids)), statuses=", ".join(["%s"] * len(statuses))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [Assignment.Role.LEAD.value, *ids, *[str(status) for status in statuses]]
        )
        rows = {
            pk: PublicListRow(pk, code, title, number, status, bool(key), lead, category, unit)
            for pk, code, title, number, status, key, lead, category, unit in cursor.fetchall()
        }
    return [rows[pk] for pk in ids if pk in rows]


# The detail page's reads, written as SQL: through the ORM (a select_related, two EXISTS
# annotations, four prefetches) the page spent about three times as long building its five
# queries in Python as PostgreSQL spent running them. The columns are the page's and no more:
# no deputy's private column, no staff account; the public filters are the ones of
# Suggestion.objects.public(), Signature CONFIRMED, Assignment active, Reply.published() and
# TimelineEntry public, each query in its model's Meta ordering.
DETAIL_ITEM_SQL = """
SELECT s.id, s.code, s.title, s.body, s.status, s.key_supervision, s.year,
       s.session_id, se.number, se.term_id, t.number,
       s.category_id, c.name, s.lead_id, d.name, d.user_id,
       EXISTS(SELECT 1 FROM proposals_progressreport p WHERE p.suggestion_id = s.id),
       EXISTS(SELECT 1 FROM proposals_carryover o WHERE o.suggestion_id = s.id)
FROM proposals_suggestion s
INNER JOIN deputies_deputy d ON d.id = s.lead_id
LEFT JOIN congress_session se ON se.id = s.session_id
LEFT JOIN congress_term t ON t.id = se.term_id
LEFT JOIN congress_category c ON c.id = s.category_id
WHERE s.id = %s AND s.is_public AND s.status IN ({statuses})
"""
DETAIL_SIGNERS_SQL = """
SELECT d.id, d.name, d.user_id
FROM proposals_signature g INNER JOIN deputies_deputy d ON d.id = g.deputy_id
WHERE g.suggestion_id = %s AND g.status = %s
ORDER BY g.requested_at, g.id
"""
DETAIL_UNITS_SQL = """
SELECT a.id, a.role, a.due_date, o.id, o.name
FROM proposals_assignment a INNER JOIN congress_organisation o ON o.id = a.organisation_id
WHERE a.suggestion_id = %s AND a.active
ORDER BY a.role, a.id
"""
DETAIL_REPLIES_SQL = """
SELECT r.id, r.reply_class, r.letter_number, r.text, r.replied_at, r.is_followup,
       r.promised_by, r.reasons, o.id, o.name
FROM proposals_reply r INNER JOIN congress_organisation o ON o.id = r.organisation_id
WHERE r.suggestion_id = %s AND r.published_at IS NOT NULL
ORDER BY r.replied_at, r.id
"""
DETAIL_TIMELINE_SQL = """
SELECT id, action, actor_id, actor_label, at, note
FROM proposals_timelineentry
WHERE content_type_id = %s AND object_id = %s AND public
ORDER BY at, id
"""


@dataclass
class SuggestionDetail:
    """A published item as its public page shows it (public_suggestion_detail)."""

    item: Suggestion  # with its session and term, category and lead deputy
    confirmed: list[Deputy]  # the deputies who confirmed their signature, in signing order
    units: list[Assignment]  # the active assignments, with their unit
    replies: list[Reply]  # the published replies, with their unit
    timeline: list[TimelineEntry]  # the public steps
    followed_up: bool  # has progress reports or ledger entries (then read onto `item`)


def public_suggestion_detail(pk: int) -> SuggestionDetail:
    """One published item with its co-signers, units, published replies and public timeline.

    Raises Suggestion.DoesNotExist for an item that does not exist or is not published."""
    statuses = Suggestion.Status.published()
    with connection.cursor() as cursor:
        cursor.execute(
            DETAIL_ITEM_SQL.format(statuses=", ".join(["%s"] * len(statuses))),  # noqa: S608 - only placeholders are formatted in
            [pk, *[str(status) for status in statuses]],
        )
        row = cursor.fetchone()
        if row is None:
            raise Suggestion.DoesNotExist
        (id_, code, title, body, status, key_supervision, year, session_id, session_number,
         term_id, term_number, category_id, category_name, lead_id, lead_name, lead_user,
         has_progress, has_carry_overs) = row  # fmt: skip
        suggestion = Suggestion(
            id=id_, code=code, title=title, body=body, status=status,
            key_supervision=bool(key_supervision), year=year, session_id=session_id,
            category_id=category_id, lead_id=lead_id,
        )  # fmt: skip
        if session_id is not None:
            suggestion.session = Session(
                id=session_id, number=session_number, term=Term(id=term_id, number=term_number)
            )
        if category_id is not None:
            suggestion.category = Category(id=category_id, name=category_name)
        suggestion.lead = Deputy(id=lead_id, name=lead_name, user_id=lead_user)

        cursor.execute(DETAIL_SIGNERS_SQL, [pk, Signature.Status.CONFIRMED.value])
        confirmed = [
            Deputy(id=deputy_id, name=name, user_id=user_id)
            for deputy_id, name, user_id in cursor.fetchall()
        ]
        cursor.execute(DETAIL_UNITS_SQL, [pk])
        units = [
            Assignment(
                id=a_id,
                suggestion_id=pk,
                role=role,
                due_date=due,
                organisation=Organisation(id=org_id, name=org_name),
            )  # fmt: skip
            for a_id, role, due, org_id, org_name in cursor.fetchall()
        ]
        cursor.execute(DETAIL_REPLIES_SQL, [pk])
        replies = [
            Reply(
                id=r_id,
                suggestion_id=pk,
                reply_class=reply_class,
                letter_number=letter,
                text=text,
                replied_at=replied_at,
                is_followup=bool(followup),
                promised_by=promised_by,
                reasons=reasons,
                organisation=Organisation(id=org_id, name=org_name),
            )  # fmt: skip
            for (
                r_id,
                reply_class,
                letter,
                text,
                replied_at,
                followup,
                promised_by,
                reasons,
                org_id,
                org_name,
            ) in cursor.fetchall()  # fmt: skip
        ]
        content_type = ContentType.objects.get_for_model(Suggestion)
        cursor.execute(DETAIL_TIMELINE_SQL, [content_type.pk, pk])
        timeline = [
            TimelineEntry(
                id=e_id,
                content_type=content_type,
                object_id=pk,
                action=action,
                actor_id=actor_id,
                actor_label=actor_label,
                at=aware(at),
                note=note,
            )  # fmt: skip
            for e_id, action, actor_id, actor_label, at, note in cursor.fetchall()
        ]
    followed_up = bool(has_progress or has_carry_overs)
    if followed_up:  # rare: read only when there
        prefetch_related_objects(
            [suggestion],
            Prefetch("progress_reports", ProgressReport.objects.order_by("reported_on", "id")),
            Prefetch("carry_overs", CarryOver.objects.order_by("to_year")),
        )
    return SuggestionDetail(suggestion, confirmed, units, replies, timeline, followed_up)


def public_motions():
    return Motion.objects.public().select_related("session__term", "lead")


def deputy_suggestions(deputy: Deputy):
    """A deputy's own items (led or co-signed), drafts of their own included: the columns a
    list row shows (the text of each item stays in the database)."""
    return (
        Suggestion.objects.for_deputy(deputy)
        .only("id", "code", "title", "status", "lead", "created_at")
        .order_by("-created_at")
    )


def signature_requests(deputy: Deputy):
    """Requests waiting for the deputy's answer, with the item to read before signing."""
    return Signature.objects.filter(
        deputy=deputy, status=Signature.Status.REQUESTED
    ).select_related("suggestion__lead", "motion__lead", "suggestion__category")


# The requests waiting for a deputy's answer, oldest first, with their item's title and lead.
# Written as SQL: through the ORM (four joins of values_list) the query took ~0.6 ms more to
# build than to run, on the overview and on the suggestion list.
# The status is written in (congress.kit.sqlvalues.constant): PostgreSQL then keeps one plan
# for the prepared statement instead of planning it on every run.
SIGNATURE_REQUESTS_SQL = f"""
SELECT sg.id, sg.motion_id, sg.requested_at, s.title, sl.name, m.title, ml.name
  FROM proposals_signature sg
  LEFT JOIN proposals_suggestion s ON s.id = sg.suggestion_id
  LEFT JOIN deputies_deputy sl ON sl.id = s.lead_id
  LEFT JOIN proposals_motion m ON m.id = sg.motion_id
  LEFT JOIN deputies_deputy ml ON ml.id = m.lead_id
 WHERE sg.deputy_id = %s AND sg.status = {constant(Signature.Status.REQUESTED)}
 ORDER BY sg.requested_at, sg.id
"""  # noqa: S608 - constants only


def signature_requests_listed(deputy: Deputy) -> list[dict]:
    """The same requests with what a list of them shows, as plain rows (pk, motion_id,
    requested_at, the item's title and its lead's name) read in one query
    (SIGNATURE_REQUESTS_SQL): no model instances, which cost more than the query for these few
    columns."""
    with connection.cursor() as cursor:
        cursor.execute(SIGNATURE_REQUESTS_SQL, [deputy.pk])
        rows = cursor.fetchall()
    return [
        {
            "pk": pk,
            "motion_id": motion_id,
            "requested_at": aware(requested_at),
            "title": motion_title if motion_id else suggestion_title,
            "lead_name": motion_lead if motion_id else suggestion_lead,
        }
        for pk, motion_id, requested_at, suggestion_title, suggestion_lead, motion_title, motion_lead in rows
    ]


def replies_to_rate(deputy: Deputy):
    """Latest replies on items the deputy signed that wait for the deputy's rating."""
    mine = Suggestion.objects.for_deputy(deputy).filter(status__in=Suggestion.STEPS["feedback"])
    rated = Feedback.objects.filter(rater=deputy).values("reply_id")
    # Only the current reply is rated (feedback_give): not one a later reply replaced.
    later = Reply.objects.filter(suggestion=OuterRef("suggestion"), is_followup=False).filter(
        Q(replied_at__gt=OuterRef("replied_at"))
        | Q(replied_at=OuterRef("replied_at"), pk__gt=OuterRef("pk"))
    )
    return (
        Reply.objects.filter(suggestion__in=mine, is_followup=False)
        .exclude(pk__in=rated)
        .exclude(Exists(later))
        .select_related("suggestion", "organisation")
    )


# The ids of a deputy's own items, as Suggestion.objects.for_deputy reads them (a UNION of the
# items led and of those co-signed and submitted); then the two workspace lists built on them.
# Written as SQL: through the ORM the suggestion list's page and the replies to rate took
# ~1.5 ms more to build than to run. Statuses and roles are written in
# (congress.kit.sqlvalues.constant): sent as parameters they kept PostgreSQL planning the
# replies to rate on every run (0.5 ms of its 0.7).
_MY_ITEMS_SQL = f"""
SELECT id FROM proposals_suggestion WHERE lead_id = %s
UNION
SELECT sg.suggestion_id FROM proposals_signature sg
  JOIN proposals_suggestion s2 ON s2.id = sg.suggestion_id
 WHERE sg.deputy_id = %s AND sg.status = {constant(Signature.Status.CONFIRMED)}
   AND sg.suggestion_id IS NOT NULL AND s2.status <> {constant(Suggestion.Status.DRAFT)}
"""  # noqa: S608 - constants only

# A page of the deputy's items, newest first, each with its active lead unit's name and reply
# due date (at most one: assignment_one_active_lead) and the count of them all.
MY_ITEMS_PAGE_SQL = f"""
SELECT s.id, s.code, s.title, s.lead_id, s.status, o.name, la.due_date, COUNT(*) OVER ()
  FROM proposals_suggestion s
  LEFT JOIN proposals_assignment la
    ON la.suggestion_id = s.id AND la.active AND la.role = {constant(Assignment.Role.LEAD)}
  LEFT JOIN congress_organisation o ON o.id = la.organisation_id
 WHERE s.id IN ({_MY_ITEMS_SQL})
 ORDER BY s.created_at DESC
 LIMIT %s OFFSET %s
"""  # noqa: S608 - constants only

# The replies of replies_to_rate, newest first: the current reply (no later one that is not a
# follow-up) on the deputy's items waiting for feedback, which the deputy has not rated.
REPLIES_TO_RATE_SQL = """
SELECT r.id, r.replied_at, s.title, o.name
  FROM proposals_reply r
  JOIN proposals_suggestion s ON s.id = r.suggestion_id
  JOIN congress_organisation o ON o.id = r.organisation_id
 WHERE NOT r.is_followup
   AND s.status IN ({steps})
   AND r.suggestion_id IN ({mine})
   AND NOT (r.id IN (SELECT f.reply_id FROM proposals_feedback f WHERE f.rater_id = %s))
   AND NOT EXISTS (
        SELECT 1 FROM proposals_reply l
         WHERE NOT l.is_followup AND l.suggestion_id = r.suggestion_id
           AND (l.replied_at > r.replied_at OR (l.replied_at = r.replied_at AND l.id > r.id)))
 ORDER BY r.replied_at DESC
""".format(  # noqa: S608 - constants and placeholders only
    mine=_MY_ITEMS_SQL, steps=", ".join(constant(s) for s in sorted(Suggestion.STEPS["feedback"]))
)


class MyItemRow(NamedTuple):
    """A row of the deputy's suggestion list (deputy_suggestion_rows)."""

    pk: int
    code: str
    title: str
    lead_id: int
    status: str
    lead_unit_name: str | None
    lead_due_date: datetime.date | None


def _my_items_params(deputy: Deputy) -> list:
    return [deputy.pk, deputy.pk]


def deputy_suggestion_rows(deputy: Deputy, limit: int, offset: int) -> tuple[list[MyItemRow], int]:
    """A page of deputy_suggestions (MY_ITEMS_PAGE_SQL) with the lead unit of each, and the
    number of them all (0 when the page is empty: past the last one, or none at all)."""
    with connection.cursor() as cursor:
        cursor.execute(
            MY_ITEMS_PAGE_SQL,
            [*_my_items_params(deputy), limit, offset],
        )
        rows = cursor.fetchall()
    return [MyItemRow(*row[:7]) for row in rows], (rows[0][7] if rows else 0)


def replies_to_rate_listed(deputy: Deputy) -> list[dict]:
    """replies_to_rate as plain rows, newest first: the reply's pk, its day, its item's title
    and the unit (REPLIES_TO_RATE_SQL)."""
    with connection.cursor() as cursor:
        cursor.execute(REPLIES_TO_RATE_SQL, [*_my_items_params(deputy), deputy.pk])
        rows = cursor.fetchall()
    return [
        {
            "pk": pk,
            "replied_at": replied_at,
            "suggestion__title": title,
            "organisation__name": unit,
        }
        for pk, replied_at, title, unit in rows
    ]


def unit_suggestions(organisation):
    return (
        Suggestion.objects.for_unit(organisation)
        .select_related("category", "lead", "session__term")
        .prefetch_related(
            Prefetch(
                "assignments",
                Assignment.objects.filter(active=True).select_related("organisation"),
            )
        )
    )


def handling_counts(queryset) -> dict:
    """The counts behind /suggestions/stats/'s handling figures (four queries); they add up
    over any partition of the items (congress.kit.summaries keeps them per year and session).
    """
    replies = Reply.objects.filter(suggestion__in=queryset, is_followup=False)
    classes = dict(replies.values_list("reply_class").annotate(n=Count("id")).order_by())
    ok = [Rating.SATISFIED, Rating.BASICALLY]
    feedback = Feedback.objects.filter(suggestion__in=queryset).aggregate(
        total=Count("id"),
        process_ok=Count("id", filter=Q(process_rating__in=ok)),
        result_ok=Count("id", filter=Q(result_rating__in=ok)),
        process_satisfied=Count("id", filter=Q(process_rating=Rating.SATISFIED)),
        result_satisfied=Count("id", filter=Q(result_rating=Rating.SATISFIED)),
    )
    lead_due = Assignment.objects.filter(role=Assignment.Role.LEAD, active=True)
    on_time = (
        replies.filter(
            suggestion__assignments__in=lead_due,
            replied_at__lte=F("suggestion__assignments__due_date"),
        )
        .values("suggestion")
        .distinct()
        .count()
    )
    return {
        "total": queryset.count(),
        "replied": replies.values("suggestion").distinct().count(),
        "on_time": on_time,
        "classes": classes,
        "ratings": feedback["total"],
        "process_ok": feedback["process_ok"],
        "result_ok": feedback["result_ok"],
        "process_satisfied": feedback["process_satisfied"],
        "result_satisfied": feedback["result_satisfied"],
    }


def handling_rates(counts: dict) -> dict:
    """handling_counts() with its rates.

    Satisfaction rate = (满意 + 基本满意) / ratings, per measure; the A share is reported apart
    as the solved rate (domain.md §2.5: a satisfaction rate alone misleads).
    """
    classes = counts["classes"]
    return {
        **counts,
        "on_time_rate": _rate(counts["on_time"], counts["replied"]),
        "solved_rate": _rate(classes.get("A", 0), sum(classes.values())),
        "process_satisfaction_rate": _rate(counts["process_ok"], counts["ratings"]),
        "result_satisfaction_rate": _rate(counts["result_ok"], counts["ratings"]),
    }


def handling_stats(queryset=None) -> dict:
    """Figures for /suggestions/stats/: counts, on-time replies, reply classes, satisfaction."""
    queryset = Suggestion.objects.public() if queryset is None else queryset
    return handling_rates(handling_counts(queryset))


def per_unit_counts(queryset) -> dict[int, dict]:
    """Lead unit id → items, replied, on time, A replies, ratings, (basic) satisfaction with
    the result, for `queryset`'s items (two queries). Rows add up over partitions of the items."""
    first = Reply.objects.filter(suggestion=OuterRef("suggestion"), is_followup=False).order_by(
        "replied_at", "id"
    )
    leads = (
        Assignment.objects.filter(
            role=Assignment.Role.LEAD, active=True, suggestion__in=queryset.values("pk")
        )
        .annotate(
            first_on=Subquery(first.values("replied_at")[:1]),
            first_class=Subquery(first.values("reply_class")[:1]),
        )
        .values("suggestion_id", "organisation_id", "due_date", "first_on", "first_class")
    )
    units: dict[int, dict] = {}
    unit_of = {}
    for row in leads:
        unit = units.setdefault(
            row["organisation_id"],
            {"items": 0, "replied": 0, "on_time": 0, "a": 0, "ratings": 0, "result_ok": 0},
        )
        unit_of[row["suggestion_id"]] = unit
        unit["items"] += 1
        if row["first_on"] is not None:
            unit["replied"] += 1
            unit["on_time"] += row["first_on"] <= row["due_date"]
            unit["a"] += row["first_class"] == "A"
    ok = {Rating.SATISFIED, Rating.BASICALLY}
    for suggestion_id, result in Feedback.objects.filter(
        suggestion__in=queryset.values("pk")
    ).values_list("suggestion_id", "result_rating"):
        rated = unit_of.get(suggestion_id)
        if rated is not None:
            rated["ratings"] += 1
            rated["result_ok"] += result in ok
    return units


def per_unit_rows(units: dict[int, dict], names: dict[int, str]) -> list[dict]:
    """per_unit_counts() as the table's rows: most items first, with their rates."""
    rows = [{"name": names.get(int(pk), ""), **counts} for pk, counts in units.items()]
    rows.sort(key=lambda u: (-u["items"], u["name"]))
    for unit in rows:
        unit["on_time_rate"] = _rate(unit["on_time"], unit["replied"])
        unit["a_rate"] = _rate(unit["a"], unit["replied"])
        unit["result_ok_rate"] = _rate(unit["result_ok"], unit["ratings"])
    return rows


# -- outcomes: contacts (面商) and solved, not just satisfied (issue 16) -------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def lead_contacts(queryset) -> dict:
    """面商率: of the active lead assignments of `queryset`'s items, how many recorded at least
    one contact with the lead deputy. One query."""
    leads = Assignment.objects.filter(
        role=Assignment.Role.LEAD, active=True, suggestion__in=queryset.values("pk")
    ).aggregate(
        total=Count("pk"),
        contacted=Count("pk", filter=Q(Exists(Contact.objects.filter(assignment=OuterRef("pk"))))),
    )
    return {
        "leads": leads["total"],
        "leads_contacted": leads["contacted"],
        "contact_rate": _rate(leads["contacted"], leads["total"]),
    }


def contact_answers(queryset) -> dict:
    """Of the contacts the lead units recorded on `queryset`'s items, how many the lead deputy
    confirmed and disputed. One query."""
    contacts = Contact.objects.filter(
        suggestion__in=queryset.values("pk"), assignment__role=Assignment.Role.LEAD
    ).aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(status=Contact.Status.CONFIRMED)),
        disputed=Count("pk", filter=Q(status=Contact.Status.DISPUTED)),
    )
    return {
        "contacts": contacts["total"],
        "contacts_confirmed": contacts["confirmed"],
        "contacts_disputed": contacts["disputed"],
        "confirmed_rate": _rate(contacts["confirmed"], contacts["total"]),
    }


def contact_figures(queryset) -> dict:
    """Both of the above, for the statistics page (two queries)."""
    return {**lead_contacts(queryset), **contact_answers(queryset)}


def outcome_counts(queryset) -> dict:
    """The counts behind outcome_figures(), none of which depends on the day: the items whose
    promise is still open are kept as promised date → number (one query)."""
    solved = rule("SOLVED_REPLY_CLASSES")
    promising = rule("PROMISED_DATE_REPLY_CLASSES")
    first = Reply.objects.filter(suggestion=OuterRef("pk"), is_followup=False).order_by(
        "replied_at", "id"
    )
    done = Reply.objects.filter(suggestion=OuterRef("pk"), reply_class__in=solved).order_by(
        "replied_at", "id"
    )
    rows = (
        queryset.annotate(
            first_class=Subquery(first.values("reply_class")[:1]),
            first_on=Subquery(first.values("replied_at")[:1]),
            promised=Subquery(first.values("promised_by")[:1]),
            done_on=Subquery(done.values("replied_at")[:1]),
        )
        .filter(first_on__isnull=False)
        .values_list("year", "first_class", "promised", "done_on")
        .order_by()
    )
    replied = solved_first = by_year_end = promised = promised_done = done_late = 0
    open_promises: dict[str, int] = {}
    for year, first_class, promised_by, done_on in rows:
        replied += 1
        solved_first += first_class in solved
        by_year_end += done_on is not None and done_on <= datetime.date(year, 12, 31)
        if first_class in promising and promised_by is not None:
            promised += 1
            if done_on is not None:
                promised_done += 1
                done_late += promised_by < done_on
            else:
                day = promised_by.isoformat()
                open_promises[day] = open_promises.get(day, 0) + 1
    return {
        "replied": replied,
        "solved_first": solved_first,
        "solved_by_year_end": by_year_end,
        "promised": promised,
        "promised_done": promised_done,
        "done_late": done_late,
        "open_promises": open_promises,
    }


# -- followed to the end: overdue promises and the look-back ledger (回头看) ---------------------


def overdue_promises(queryset, *, today: datetime.date | None = None) -> list[Suggestion]:
    """The items of `queryset` whose first reply (class B) promised a completion date that passed
    before a solved reply came, or passed with none yet (as of `today`): the list behind
    `outcome_figures`' "promised_overdue", oldest promise first, with the lead unit's name, the
    promised date and the day it was reported done. Two queries."""
    today = today or timezone.localdate()
    first = Reply.objects.filter(suggestion=OuterRef("pk"), is_followup=False).order_by(
        "replied_at", "id"
    )
    done = Reply.objects.filter(
        suggestion=OuterRef("pk"), reply_class__in=rule("SOLVED_REPLY_CLASSES")
    ).order_by("replied_at", "id")
    lead = Assignment.objects.filter(
        suggestion=OuterRef("pk"), active=True, role=Assignment.Role.LEAD
    )
    # Only items with a promise can be overdue: narrow to them before the per-item subqueries
    # (without it the subqueries ran for every published item, 1.8 s at ten times the demo).
    with_promise = Reply.objects.filter(
        is_followup=False,
        reply_class__in=rule("PROMISED_DATE_REPLY_CLASSES"),
        promised_by__isnull=False,
    ).values("suggestion_id")
    rows = (
        queryset.filter(pk__in=with_promise)
        .annotate(
            first_class=Subquery(first.values("reply_class")[:1]),
            promised=Subquery(first.values("promised_by")[:1]),
            done_on=Subquery(done.values("replied_at")[:1]),
            lead_unit_name=Subquery(lead.values("organisation__name")[:1]),
        )
        .filter(first_class__in=rule("PROMISED_DATE_REPLY_CLASSES"), promised__isnull=False)
        .filter(Q(done_on__isnull=True, promised__lt=today) | Q(done_on__gt=F("promised")))
        .only("id", "code", "title", "year")
        .order_by("promised", "code")
    )
    return list(rows)


def open_promises(queryset):
    """The items of `queryset` whose first reply (class B) promised a completion date and that
    no solved reply has followed yet, annotated with `promised` (the date) and `lead_unit_id`:
    the promises still to keep. One query; the caller filters on `promised`."""
    first = Reply.objects.filter(suggestion=OuterRef("pk"), is_followup=False).order_by(
        "replied_at", "id"
    )
    done = Reply.objects.filter(
        suggestion=OuterRef("pk"), reply_class__in=rule("SOLVED_REPLY_CLASSES")
    )
    lead = Assignment.objects.filter(
        suggestion=OuterRef("pk"), active=True, role=Assignment.Role.LEAD
    )
    return (
        queryset.annotate(
            first_class=Subquery(first.values("reply_class")[:1]),
            promised=Subquery(first.values("promised_by")[:1]),
            lead_unit_id=Subquery(lead.values("organisation_id")[:1]),
        )
        .filter(first_class__in=rule("PROMISED_DATE_REPLY_CLASSES"), promised__isnull=False)
        .exclude(Exists(done))
    )


def broken_promises(queryset, *, today: datetime.date):
    """The items of `queryset` whose promised completion date passed with no solved reply yet
    (the staff's to-do row and its list)."""
    return open_promises(queryset).filter(promised__lt=today)


def ledger_years() -> list[int]:
    """The years with a look-back ledger: those any item was carried into. One query."""
    return list(CarryOver.objects.order_by("-to_year").values_list("to_year", flat=True).distinct())


def public_ledger(year: int):
    """The look-back ledger of `year` (the items carried into it), public items only, with
    what its public page shows: the item, its lead unit, the promised date, the unit's last
    reported share done. One query."""
    lead = Assignment.objects.filter(
        suggestion=OuterRef("suggestion_id"), active=True, role=Assignment.Role.LEAD
    )
    last = ProgressReport.objects.filter(suggestion=OuterRef("suggestion_id")).order_by(
        "-reported_on", "-id"
    )
    return (
        CarryOver.objects.filter(to_year=year, suggestion__in=Suggestion.objects.public())
        .select_related("suggestion")
        .only(
            "id",
            "from_year",
            "to_year",
            "reason",
            "promised_by",
            "status",
            "drop_reason",
            "closed_on",
            "suggestion__id",
            "suggestion__code",
            "suggestion__title",
        )
        .annotate(
            lead_unit_name=Subquery(lead.values("organisation__name")[:1]),
            last_percent=Subquery(last.values("percent")[:1]),
            last_reported_on=Subquery(last.values("reported_on")[:1]),
        )
        .order_by("suggestion__code", "id")
    )


def carry_over_figures(year: int) -> dict:
    """The look-back ledger in figures: the items of `year` carried into the next year, and of
    the items carried into `year`, how many were solved within it, dropped, still open. One
    query."""
    end = datetime.date(year, 12, 31)
    counts = CarryOver.objects.aggregate(
        carried_out=Count("pk", filter=Q(from_year=year)),
        carried_in=Count("pk", filter=Q(to_year=year)),
        carried_in_solved=Count(
            "pk",
            filter=Q(to_year=year, status=CarryOver.Status.SOLVED, closed_on__lte=end),
        ),
        carried_in_dropped=Count("pk", filter=Q(to_year=year, status=CarryOver.Status.DROPPED)),
    )
    counts["carried_in_solved_rate"] = _rate(counts["carried_in_solved"], counts["carried_in"])
    return counts


def ledger_table() -> list[dict]:
    """One row per ledger year, newest first: items carried into it, solved within that year,
    dropped, still open. One query."""
    rows = (
        CarryOver.objects.values("to_year")
        .annotate(
            total=Count("pk"),
            solved=Count(
                "pk",
                filter=Q(status=CarryOver.Status.SOLVED, closed_on__year__lte=F("to_year")),
            ),
            dropped=Count("pk", filter=Q(status=CarryOver.Status.DROPPED)),
            open=Count("pk", filter=Q(status=CarryOver.Status.OPEN)),
        )
        .order_by("-to_year")
    )
    return [{**row, "solved_rate": _rate(row["solved"], row["total"])} for row in rows]


def outcome_rates(counts: dict, *, today: datetime.date | None = None) -> dict:
    """outcome_counts() as of `today`: rates, and the promises overdue (done late, or still
    open with their date passed)."""
    today = today or timezone.localdate()
    open_overdue = sum(
        n for day, n in counts["open_promises"].items() if datetime.date.fromisoformat(day) < today
    )
    return {
        "replied": counts["replied"],
        "solved_first": counts["solved_first"],
        "solved_first_rate": _rate(counts["solved_first"], counts["replied"]),
        "solved_by_year_end": counts["solved_by_year_end"],
        "solved_by_year_end_rate": _rate(counts["solved_by_year_end"], counts["replied"]),
        "promised": counts["promised"],
        "promised_done": counts["promised_done"],
        "promised_overdue": counts["done_late"] + open_overdue,
    }


def outcome_figures(queryset, *, today: datetime.date | None = None) -> dict:
    """Solved, not just satisfied: of `queryset`'s items with a reply, the share solved at the
    first reply, the share solved by the end of the item's year (a reply of a solved class
    dated by 31 December: the first reply, a follow-up reporting a B item done, or a reply after
    re-handling), and the items whose first reply promised a date (class B) that passed before
    a solved reply came (overdue against their own promise, as of `today`). One query.
    """
    return outcome_rates(outcome_counts(queryset), today=today)
