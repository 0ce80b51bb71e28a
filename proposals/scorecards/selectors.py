"""Each handling unit's scorecard for a year, computed from the records (issue 16).

One figure per criterion of the year's scheme, whether the unit met it, and the unit's overall
result; each figure keeps the items behind it (those that failed first) for the drill-down.
A fixed number of queries whatever the number of units and items: the scheme's criteria, the
year's assignments (with their first reply, the reply that solved the item and the contact log
folded in as subqueries), the ratings, and the Holiday table once.

What is counted, as of the scorecard's date (31 December of the year, or today while the year
runs), on the year's suggestions (registered and further, withdrawn ones aside):

- signed for within N working days: every active assignment (lead and co-handling) whose deadline
  passed or which was signed for; met when signed for by the N-th working day after assignment;
- replied on time, confirmed contact: the unit's lead items replied to or past their due date;
  met when the first reply is dated by the due date / when the lead deputy confirmed a contact;
- satisfied: the signers' ratings of the unit's lead items; met when both the handling process
  and the result are 满意 or 基本满意;
- class B on schedule: lead items whose first reply promised a date (PROMISED_DATE_REPLY_CLASSES);
  met unless the date passed before a reply of a solved class (SOLVED_REPLY_CLASSES) came.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.kit.rules import rule
from congress.kit.workdays import add_working_days, exceptions_between
from proposals.models import (
    Assignment,
    Contact,
    Feedback,
    Rating,
    Reply,
    ScorecardCriterion,
    ScorecardScheme,
    Suggestion,
)

Kind = ScorecardCriterion.Kind

# What each kind counts, for the public page beside the rules.
DEFINITIONS = {
    Kind.SIGNED_WITHIN: gettext_lazy(
        "Every assignment of the year's suggestions to the unit, as lead or co-handler, whose "
        "deadline has passed or which was signed for: signed for by the last working day allowed."
    ),
    Kind.REPLIED_ON_TIME: gettext_lazy(
        "The unit's lead items replied to or past their due date: the first reply dated on or "
        "before the due date."
    ),
    Kind.SATISFIED: gettext_lazy(
        "The signing deputies' ratings of the unit's replies to its lead items: both the handling "
        "process and the result rated 满意 (satisfied) or 基本满意 (basically satisfied)."
    ),
    Kind.CONTACT_CONFIRMED: gettext_lazy(
        "The unit's lead items replied to or past their due date: at least one contact with the "
        "lead deputy that the deputy confirmed in the contact log."
    ),
    Kind.PROMISES_KEPT: gettext_lazy(
        "The unit's lead items whose first reply was of class B with a promised completion date: "
        "reported done (a reply of class A) by that date, or the date not yet reached."
    ),
}


@dataclass
class ItemRow:
    """One item behind a figure: the suggestion, whether it met the criterion, and why not."""

    pk: int
    code: str
    title: str
    public: bool
    met: bool
    note: str = ""


@dataclass
class Figure:
    criterion: ScorecardCriterion
    counted: int = 0
    met: int = 0
    items: list[ItemRow] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return round(100 * self.met / self.counted, 1) if self.counted else None

    @property
    def passed(self) -> bool:
        """Nothing to count is nothing failed; else the exact share against the threshold."""
        return (
            not self.counted or Decimal(100 * self.met) >= self.criterion.min_share * self.counted
        )

    @property
    def failing(self) -> list[ItemRow]:
        return [row for row in self.items if not row.met]

    @property
    def meeting(self) -> list[ItemRow]:
        return [row for row in self.items if row.met]


@dataclass
class UnitCard:
    pk: int
    name: str
    figures: list[Figure]
    scheme: ScorecardScheme
    # What other apps say about the unit (congress.kit.unitparts), filled by the pages.
    parts: list = field(default_factory=list)

    @property
    def met_count(self) -> int:
        return sum(figure.passed for figure in self.figures)

    @property
    def passed(self) -> bool:
        if self.scheme.fail_on_any or not self.scheme.min_met:
            return self.met_count == len(self.figures)
        return self.met_count >= min(self.scheme.min_met, len(self.figures))


def as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """The scorecard's date: the year's last day, or today while the year runs."""
    return min(today or timezone.localdate(), datetime.date(year, 12, 31))


def public_scheme(year: int) -> ScorecardScheme | None:
    return ScorecardScheme.objects.filter(year=year, published=True).first()


def public_years() -> list[int]:
    return list(
        ScorecardScheme.objects.filter(published=True)
        .values_list("year", flat=True)
        .order_by("-year")
    )


def _rows(year: int, organisation_id: int | None):
    first = Reply.objects.filter(suggestion=OuterRef("suggestion"), is_followup=False).order_by(
        "replied_at", "id"
    )
    done = Reply.objects.filter(
        suggestion=OuterRef("suggestion"), reply_class__in=rule("SOLVED_REPLY_CLASSES")
    ).order_by("replied_at", "id")
    contacts = Contact.objects.filter(assignment=OuterRef("pk"))
    rows = Assignment.objects.filter(
        active=True,
        suggestion__year=year,
        suggestion__status__in=Suggestion.Status.published(),
    )
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    return (
        rows.annotate(
            first_on=Subquery(first.values("replied_at")[:1]),
            first_class=Subquery(first.values("reply_class")[:1]),
            promised=Subquery(first.values("promised_by")[:1]),
            done_on=Subquery(done.values("replied_at")[:1]),
            contacted=Exists(contacts),
            confirmed=Exists(contacts.filter(status=Contact.Status.CONFIRMED)),
            disputed=Exists(contacts.filter(status=Contact.Status.DISPUTED)),
        )
        .values(
            "organisation_id",
            "organisation__name",
            "organisation__order",
            "role",
            "assigned_at",
            "due_date",
            "accepted_at",
            "first_on",
            "first_class",
            "promised",
            "done_on",
            "contacted",
            "confirmed",
            "disputed",
            "suggestion_id",
            "suggestion__code",
            "suggestion__title",
            "suggestion__is_public",
        )
        .order_by("organisation__order", "organisation__name", "suggestion__code", "suggestion_id")
    )


def _day(day: datetime.date) -> str:
    return date_format(day)


def _item(row: dict, met: bool, note: str = "") -> ItemRow:
    return ItemRow(
        pk=row["suggestion_id"],
        code=row["suggestion__code"],
        title=row["suggestion__title"],
        public=row["suggestion__is_public"],
        met=met,
        note=note,
    )


def _signed(row, criterion, on, holidays) -> ItemRow | None:
    deadline = add_working_days(row["assigned_at"], criterion.days, holidays)
    signed = timezone.localdate(row["accepted_at"]) if row["accepted_at"] else None
    if signed is None or signed > on:
        if deadline >= on:
            return None  # still within the time allowed
        return _item(row, False, _("not signed for; deadline %(date)s") % {"date": _day(deadline)})
    if signed <= deadline:
        return _item(row, True, _("signed for on %(date)s") % {"date": _day(signed)})
    return _item(
        row,
        False,
        _("signed for on %(date)s, deadline %(deadline)s")
        % {"date": _day(signed), "deadline": _day(deadline)},
    )


def _due(row, on) -> bool:
    """A lead item the unit answered, or should have, by the scorecard's date."""
    return (row["first_on"] is not None and row["first_on"] <= on) or row["due_date"] < on


def _on_time(row, on) -> ItemRow | None:
    if not _due(row, on):
        return None
    first = row["first_on"] if row["first_on"] is not None and row["first_on"] <= on else None
    if first is None:
        return _item(row, False, _("no reply; due %(date)s") % {"date": _day(row["due_date"])})
    met = first <= row["due_date"]
    return _item(
        row,
        met,
        _("replied on %(date)s, due %(due)s") % {"date": _day(first), "due": _day(row["due_date"])},
    )


def _contact(row, on) -> ItemRow | None:
    if not _due(row, on):
        return None
    if row["confirmed"]:
        return _item(row, True, _("contact confirmed by the deputy"))
    if row["disputed"]:
        return _item(row, False, _("contact disputed by the deputy"))
    if row["contacted"]:
        return _item(row, False, _("contact not yet confirmed"))
    return _item(row, False, _("no contact recorded"))


def _promise(row, on) -> ItemRow | None:
    if row["first_class"] not in rule("PROMISED_DATE_REPLY_CLASSES") or not row["promised"]:
        return None
    if row["first_on"] is None or row["first_on"] > on:
        return None
    done = row["done_on"] if row["done_on"] is not None and row["done_on"] <= on else None
    promised = row["promised"]
    if done is not None:
        met = done <= promised
        note = _("promised by %(promised)s, done on %(done)s") % {
            "promised": _day(promised),
            "done": _day(done),
        }
    else:
        met = promised >= on
        note = _("promised by %(promised)s, not yet done") % {"promised": _day(promised)}
    return _item(row, met, note)


def scorecards(
    scheme: ScorecardScheme,
    *,
    organisation_id: int | None = None,
    today: datetime.date | None = None,
) -> list[UnitCard]:
    """Every unit's scorecard under `scheme` (or one unit's), in a fixed number of queries."""
    year = scheme.year
    on = as_of(year, today)
    criteria = list(scheme.criteria.all())
    rows = list(_rows(year, organisation_id))
    holidays: dict[datetime.date, bool] = {}
    if rows and any(c.kind == Kind.SIGNED_WITHIN for c in criteria):
        first = min(row["assigned_at"] for row in rows)
        holidays = exceptions_between(first, on + datetime.timedelta(days=120))
    units: dict[int, UnitCard] = {}
    lead_of: dict[int, dict] = {}
    for row in rows:
        card = units.get(row["organisation_id"])
        if card is None:
            card = units[row["organisation_id"]] = UnitCard(
                pk=row["organisation_id"],
                name=row["organisation__name"],
                figures=[Figure(criterion) for criterion in criteria],
                scheme=scheme,
            )
        lead = row["role"] == Assignment.Role.LEAD
        if lead:
            lead_of[row["suggestion_id"]] = row
        for figure in card.figures:
            kind = figure.criterion.kind
            if kind == Kind.SIGNED_WITHIN:
                item = _signed(row, figure.criterion, on, holidays)
            elif not lead or kind == Kind.SATISFIED:
                continue
            elif kind == Kind.REPLIED_ON_TIME:
                item = _on_time(row, on)
            elif kind == Kind.CONTACT_CONFIRMED:
                item = _contact(row, on)
            else:
                item = _promise(row, on)
            if item is not None:
                figure.counted += 1
                figure.met += item.met
                figure.items.append(item)
    satisfied = [i for i, c in enumerate(criteria) if c.kind == Kind.SATISFIED]
    if satisfied and lead_of:
        _ratings(lead_of, units, satisfied[0])
    for card in units.values():
        for figure in card.figures:
            figure.items.sort(key=lambda item: (item.met, item.code, item.pk))
    return list(units.values())


def _ratings(lead_of: dict[int, dict], units: dict[int, UnitCard], index: int) -> None:
    ok = {Rating.SATISFIED, Rating.BASICALLY}
    ratings: dict[int, list[bool]] = {}
    feedback = Feedback.objects.filter(suggestion_id__in=list(lead_of)).values_list(
        "suggestion_id", "process_rating", "result_rating"
    )
    for suggestion_id, process, result in feedback.order_by("suggestion_id", "id"):
        ratings.setdefault(suggestion_id, []).append(process in ok and result in ok)
    for suggestion_id, marks in ratings.items():
        row = lead_of[suggestion_id]
        figure = units[row["organisation_id"]].figures[index]
        good = sum(marks)
        figure.counted += len(marks)
        figure.met += good
        note = _("%(good)s of %(all)s ratings satisfied") % {"good": good, "all": len(marks)}
        figure.items.append(_item(row, good == len(marks), note))
