"""Review figures for suggestions and motions (see congress.review.registry).

"The year's suggestions" are those whose `year` is the review's year: filed at that year's
session or between sessions during it. Drafts and items the deputy withdrew are not counted;
items not registered, merged or converted were still received and are.
"""

from django.db.models import Count, Max, Q
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from congress.kit import home
from congress.kit.htmlrows import esc, joined
from congress.kit.rules import rule
from congress.kit.urls import reverse_id
from congress.models import Category
from congress.review.registry import FigureKind, data_version, figure
from proposals.models import CarryOver, Contact, Feedback, Motion, Reply, Suggestion
from proposals.selectors import carry_over_figures, outcome_rates
from proposals.summaries import received, year_counts

ITEMS = pgettext_lazy("figure unit", "items")


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@figure(
    "suggestions.received",
    label=_("Suggestions received"),
    definition=_(
        "Suggestions deputies filed in the year, at the year's session and between sessions, "
        "whatever the review decided; drafts and withdrawn items are not counted."
    ),
    unit=ITEMS,
)
def suggestions_received(year: int) -> int:
    return year_counts(year)["total"]


@figure(
    "suggestions.session_received",
    label=_("Suggestions received at the session"),
    definition=_("Suggestions filed at the session of the congress held in the year."),
    unit=ITEMS,
)
def suggestions_session_received(year: int) -> int:
    return year_counts(year)["at_session"]


@figure(
    "suggestions.replied_on_time_rate",
    label=_("Suggestions replied to on time"),
    definition=_(
        "Of the year's suggestions that received a reply, the share whose first reply is dated "
        "on or before the lead unit's due date."
    ),
    kind=FigureKind.PERCENT,
)
def suggestions_replied_on_time_rate(year: int):
    counts = year_counts(year)
    return _rate(counts["on_time"], counts["replied"])


@figure(
    "suggestions.reply_classes",
    label=_("Replies by class"),
    definition=_("The first reply to each of the year's suggestions, by the class on the letter."),
    kind=FigureKind.SERIES,
)
def suggestions_reply_classes(year: int):
    counts = year_counts(year)["reply_classes"]
    return [(str(label), counts.get(code, 0)) for code, label in rule("REPLY_CLASSES")]


@figure(
    "suggestions.by_category",
    label=_("Suggestions by category"),
    definition=_("The year's suggestions by subject category."),
    kind=FigureKind.SERIES,
)
def suggestions_by_category(year: int):
    counts = year_counts(year)["categories"]
    rows = (
        Category.objects.filter(pk__in=[int(pk) for pk in counts])
        .order_by("order", "name")
        .values_list("pk", "name")
    )
    return [(name, counts[str(pk)]) for pk, name in rows]


@figure(
    "suggestions.satisfaction_rate",
    label=_("Deputies satisfied with the handling"),
    definition=_(
        "Of the ratings signing deputies gave replies to the year's suggestions, the share in "
        "which both the handling process and the result were rated 满意 (satisfied) or 基本满意 "
        "(basically satisfied)."
    ),
    kind=FigureKind.PERCENT,
)
def suggestions_satisfaction_rate(year: int):
    counts = year_counts(year)
    return _rate(counts["ratings_ok"], counts["ratings"])


@figure(
    "suggestions.contact_rate",
    label=_("Lead units that met the deputy (面商率)"),
    definition=_(
        "Of the year's suggestions' lead units, the share that recorded at least one contact "
        "with the lead deputy (face to face, site visit, phone or meeting), counted from the "
        "contact log."
    ),
    kind=FigureKind.PERCENT,
)
def suggestions_contact_rate(year: int):
    counts = year_counts(year)
    return _rate(counts["leads_contacted"], counts["leads"])


@figure(
    "suggestions.contacts_confirmed_rate",
    label=_("Contacts the deputies confirmed"),
    definition=_(
        "Of the contacts the lead units recorded on the year's suggestions, the share the lead "
        "deputy confirmed took place."
    ),
    kind=FigureKind.PERCENT,
)
def suggestions_contacts_confirmed_rate(year: int):
    counts = year_counts(year)
    return _rate(counts["contacts_confirmed"], counts["contacts"])


@figure(
    "suggestions.solved_first_reply_rate",
    label=_("Solved at the first reply"),
    definition=_(
        "Of the year's suggestions that received a reply, the share whose first reply is of "
        "class A (solved or adopted)."
    ),
    kind=FigureKind.PERCENT,
)
def suggestions_solved_first_reply_rate(year: int):
    return outcome_rates(year_counts(year)["outcomes"])["solved_first_rate"]


@figure(
    "suggestions.solved_by_year_end_rate",
    label=_("Solved by the end of the year"),
    definition=_(
        "Of the year's suggestions that received a reply, the share with a class A reply dated "
        "by 31 December: solved at the first reply, or a class B item the unit reported done."
    ),
    kind=FigureKind.PERCENT,
)
def suggestions_solved_by_year_end_rate(year: int):
    return outcome_rates(year_counts(year)["outcomes"])["solved_by_year_end_rate"]


@figure(
    "suggestions.promises_overdue",
    label=_("Class B items overdue against their promise"),
    definition=_(
        "The year's suggestions answered class B (in the plan to be solved) whose promised "
        "completion date passed before the unit reported them done, or passed with no report."
    ),
    unit=ITEMS,
)
def suggestions_promises_overdue(year: int) -> int:
    return outcome_rates(year_counts(year)["outcomes"])["promised_overdue"]


@figure(
    "suggestions.carried_over",
    label=_("Carried into next year's look-back ledger (回头看)"),
    definition=_(
        "The year's suggestions not solved by 31 December that the year-end roll-over entered in "
        "the next year's look-back ledger: class B items not reported done, and items whose lead "
        "deputy last rated the result unsatisfied."
    ),
    unit=ITEMS,
    summary="ledger",
)
def suggestions_carried_over(year: int) -> int:
    # carry_over_figures(year)["carried_out"], without the three other counts it aggregates
    # over the whole ledger.
    return CarryOver.objects.filter(from_year=year).count()


@figure(
    "suggestions.carry_overs_solved",
    label=_("Last year's carried-over items solved this year"),
    definition=_(
        "Of the items carried from the year before into this year's look-back ledger, those the "
        "unit reported solved by 31 December."
    ),
    unit=ITEMS,
    summary="ledger",
)
def suggestions_carry_overs_solved(year: int) -> int:
    return carry_over_figures(year)["carried_in_solved"]


def _motions(year: int):
    return Motion.objects.filter(session__start_date__year=year, submitted_at__isnull=False)


@figure(
    "motions.count",
    label=_("Motions submitted"),
    definition=_(
        "Motions filed with enough joint signatures at the session held in the year, "
        "whatever the presidium decided."
    ),
    unit=ITEMS,
    summary="motions",
)
def motions_count(year: int) -> int:
    return _motions(year).count()


@figure(
    "motions.listed",
    label=_("Motions listed as congress motions"),
    definition=_("Motions of the year's session that the presidium listed as congress motions."),
    unit=ITEMS,
    summary="motions",
)
def motions_listed(year: int) -> int:
    return _motions(year).listed().count()


@data_version("suggestions")
def suggestions_version(year: int):
    """Counts and latest change times of what the figures above read."""
    items = received(year).aggregate(
        n=Count("id"),
        status=Max("closed_at"),
        replied=Max("replied_at"),
        registered=Max("registered_at"),
    )
    replies = Reply.objects.filter(suggestion__year=year).aggregate(
        n=Count("id"), last=Max("recorded_at")
    )
    feedback = Feedback.objects.filter(suggestion__year=year).aggregate(
        n=Count("id"), last=Max("given_at")
    )
    motions = _motions(year).aggregate(
        n=Count("id"),
        reviewed=Max("reviewed_at"),
        listed=Count("id", filter=Q(review_outcome="listed")),
    )
    contacts = Contact.objects.filter(suggestion__year=year).aggregate(
        n=Count("id"),
        last=Max("recorded_at"),
        answered=Max("answered_at"),
    )
    ledger = CarryOver.objects.filter(Q(from_year=year) | Q(to_year=year)).aggregate(
        n=Count("id"),
        solved=Count("id", filter=Q(status=CarryOver.Status.SOLVED)),
        last=Max("closed_at"),
    )
    return {
        "items": items,
        "replies": replies,
        "feedback": feedback,
        "motions": motions,
        "contacts": contacts,
        "ledger": ledger,
        # B items fall overdue as days pass, with no row changing.
        "today": timezone.localdate().isoformat(),
    }


def latest_replies(limit: int = 5):
    """The latest published replies to public suggestions, one query."""
    return (
        Reply.objects.published()
        .filter(
            suggestion__is_public=True,
            suggestion__status__in=Suggestion.Status.published(),
        )
        .select_related("suggestion", "organisation")
        .only(
            "id",
            "reply_class",
            "replied_at",
            "published_at",
            "suggestion__id",
            "suggestion__code",
            "suggestion__title",
            "organisation__name",
        )
        .order_by("-published_at", "-id")[:limit]
    )


def latest_reply_items(replies) -> SafeString:
    """The home page's list of the latest replies, written in Python (congress.kit.htmlrows).
    As {% blocktranslate %}: the reply class is escaped, the translation is not."""
    items = []
    for reply in replies:
        reply_class = gettext("Class %(code)s") % {"code": esc(reply.reply_class)}
        items.append(
            f'<li><a href="{esc(reverse_id("suggestions:detail", reply.suggestion_id))}">'
            f"{esc(reply.suggestion.title)}</a><br>"
            f'<span class="meta">{esc(reply.organisation.name)} · {reply_class} · '
            f"{esc(date_filter(reply.replied_at, 'DATE_FORMAT'))}</span></li>"
        )
    return joined(items, "\n")


@home.block
def home_block(context: dict) -> dict:
    """The home page's suggestion figures for the deputies' block's `year`, and the latest replies."""
    year = context["year"]
    replies = list(latest_replies())
    return {
        "suggestions_received": suggestions_received(year),
        "suggestions_on_time_rate": suggestions_replied_on_time_rate(year),
        "latest_replies": replies,
        "latest_reply_items": latest_reply_items(replies),
    }
