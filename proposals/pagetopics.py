"""Which cached pages a write of suggestions, motions and residents' opinions drops
(congress.kit.pagecache).

"suggestions": the list, the statistics, the home page's figures and every deputy's profile;
"suggestion:<pk>": that suggestion's page; the same for "motions"/"motion:<pk>"; "opinions":
the opinion statistics; "station:<pk>": a station's page (it shows its opinions' figures);
"reviews:<year>": that year's review; "carry_overs": the look-back ledger's public pages.
"""

from django.contrib.contenttypes.models import ContentType

from congress.kit.pagecache import review_years, topics
from proposals.models import (
    Assignment,
    CarryOver,
    CoHandlerView,
    Contact,
    ExtensionRequest,
    Feedback,
    Motion,
    MotionInspection,
    MotionProgressReport,
    Opinion,
    OpinionPhoto,
    ProgressReport,
    ReminderSent,
    Reply,
    ReturnRequest,
    ScorecardCriterion,
    ScorecardScheme,
    Signature,
    Suggestion,
    SuggestionAttachment,
    TimelineEntry,
    UnitMembership,
)


def _suggestion_year(row) -> int | None:
    """The year of the suggestion a row belongs to: the review that counts the row."""
    if not row.suggestion_id:
        return None
    if type(row).suggestion.is_cached(row):
        return row.suggestion.year
    return Suggestion.objects.filter(pk=row.suggestion_id).values_list("year", flat=True).first()


def _item(row) -> list[str]:
    """A row that belongs to a suggestion, a motion or an opinion: that item's pages."""
    found = []
    if getattr(row, "suggestion_id", None):
        found += [
            "suggestions",
            f"suggestion:{row.suggestion_id}",
            *review_years(_suggestion_year(row)),
        ]
    if getattr(row, "motion_id", None):
        found += ["motions", f"motion:{row.motion_id}"]
    if getattr(row, "opinion_id", None):
        found += ["opinions"]
    return found


topics.register(
    Suggestion,
    "suggestions",
    key="suggestion",
    row=lambda s: [
        f"suggestion:{s.merged_into_id}" if s.merged_into_id else "",
        *review_years(s.year),
    ],
)
topics.register(Suggestion.cosigners.through, "suggestions")
topics.register(SuggestionAttachment, row=lambda a: [f"suggestion:{a.suggestion_id}"])
topics.register(
    Motion,
    "motions",
    key="motion",
    row=lambda m: review_years(m.submitted_at),
)
topics.register(Motion.cosigners.through, "motions")
topics.register(MotionInspection, "motions", row=lambda r: [f"motion:{r.motion_id}"])
topics.register(MotionProgressReport, "motions", row=lambda r: [f"motion:{r.motion_id}"])
# A contact counts in the suggestion statistics (面商率) and the review; its page shows it too.
for model in (Signature, Assignment, Reply, Feedback, Contact, ProgressReport):
    topics.register(model, row=_item)
# The look-back ledger (回头看): its public pages, the item's page, the statistics and the
# reviews of both years (items carried over; last year's carried items solved this year).
topics.register(
    CarryOver,
    "carry_overs",
    "suggestions",
    row=lambda c: [f"suggestion:{c.suggestion_id}", *review_years(c.from_year, c.to_year)],
)
# The units' scorecards: the scheme and its rules (the figures read the items' topics).
topics.register(ScorecardScheme, "scorecards", row=lambda s: review_years(s.year))
topics.register(
    ScorecardCriterion,
    "scorecards",
    row=lambda c: review_years(
        ScorecardScheme.objects.filter(pk=c.scheme_id).values_list("year", flat=True).first()
    ),
)
# An opinion shows on the statistics, its station's page and the review of its year; once it
# became a suggestion, on that suggestion's page too.
topics.register(
    Opinion,
    "opinions",
    row=lambda o: [
        f"station:{o.station_id}" if o.station_id else "",
        f"suggestion:{o.suggestion_id}" if o.suggestion_id else "",
        *review_years(o.submitted_at),
    ],
)
topics.register(
    TimelineEntry,
    row=lambda e: (
        [f"{ContentType.objects.get_for_id(e.content_type_id).model}:{e.object_id}"]
        if e.public
        else []
    ),
)
# Handling paperwork and the photos residents send are on no public page; a decision that
# changes what the public sees changes the assignment or the item too, which bump their pages.
topics.private(
    ReturnRequest,
    ExtensionRequest,
    UnitMembership,
    CoHandlerView,
    ReminderSent,
    OpinionPhoto,
    Reply.history.model,
    Suggestion.history.model,
    Motion.history.model,
    Opinion.history.model,
)
