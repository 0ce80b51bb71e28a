"""How votes are counted: pure functions, no database.

A poll's rule is four settings (domain.md §4): the counting method, the most choices a ballot may
mark (K), the number of places to fill, the threshold base (all voters on the roll, voters present,
or valid ballots) and the majority (more than half of the base, or simply the most votes).

Every method reads a ballot as marks: option → grade.
- CHOOSE: pick up to K options (grade "yes"); more than K marks make the ballot invalid.
- APPROVAL: for / against / abstain on each option; an option is carried by its "for" votes.
- EVALUATION: 满意 / 基本满意 / 不满意 on each option, judged by cumulative thresholds: the outcome is
  the first grade whose votes, added to those of the better grades, pass the majority; if none
  does, the last grade. With base = all voters and majority = more than half, this is the
  standing committee's rule (domain.md §4, §7): satisfied when 满意 > half of all members, else
  basically satisfied when 满意 + 基本满意 > half, else unsatisfied.
A blank mark is an abstention: the ballot stays valid. Ties are reported, never broken.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Method(models.TextChoices):
    CHOOSE = "choose", _("pick up to a number of options")
    APPROVAL = "approval", _("for, against or abstain on each option")
    EVALUATION = "evaluation", _("graded evaluation with cumulative thresholds")


class Base(models.TextChoices):
    ELIGIBLE = "eligible", _("all voters on the roll")
    PRESENT = "present", _("voters present")
    VALID = "valid", _("valid ballots")


class Majority(models.TextChoices):
    MORE_THAN_HALF = "half", _("more than half of the base")
    PLURALITY = "plurality", _("most votes")


YES, FOR, AGAINST, ABSTAIN = "yes", "for", "against", "abstain"
SATISFIED, BASIC, UNSATISFIED = "satisfied", "basic", "unsatisfied"
SELECTED, NOT_SELECTED, TIED = "selected", "not_selected", "tied"

# A ballot's marks: option id (an int, or its string form once stored as JSON) → grade code.
Marks = Mapping[Any, str]

# The grades a ballot may give an option, best first.
GRADES = {
    Method.CHOOSE: ((YES, pgettext_lazy("ballot mark", "chosen")),),
    Method.APPROVAL: (
        (FOR, pgettext_lazy("ballot mark", "for")),
        (AGAINST, pgettext_lazy("ballot mark", "against")),
        (ABSTAIN, pgettext_lazy("ballot mark", "abstain")),
    ),
    Method.EVALUATION: (
        (SATISFIED, _("satisfied")),
        (BASIC, _("basically satisfied")),
        (UNSATISFIED, _("unsatisfied")),
    ),
}
OUTCOME_LABELS = {
    Method.CHOOSE: {
        SELECTED: pgettext_lazy("poll outcome", "selected"),
        NOT_SELECTED: pgettext_lazy("poll outcome", "not selected"),
        TIED: pgettext_lazy("poll outcome", "tie"),
    },
    Method.APPROVAL: {
        SELECTED: pgettext_lazy("poll outcome", "approved"),
        NOT_SELECTED: pgettext_lazy("poll outcome", "not approved"),
        TIED: pgettext_lazy("poll outcome", "tie"),
    },
    Method.EVALUATION: dict(GRADES[Method.EVALUATION]),
}


@dataclass(frozen=True)
class Rule:
    method: Method
    max_choices: int | None = None
    seats: int | None = None
    base: Base = Base.ELIGIBLE
    majority: Majority = Majority.MORE_THAN_HALF


def grade_codes(method: Method | str) -> tuple[str, ...]:
    return tuple(code for code, _label in GRADES[Method(method)])


def grade_choices(method: Method | str) -> list[tuple[str, "StrOrPromise"]]:
    return list(GRADES[Method(method)])


def outcome_label(method: Method | str, code: str) -> "StrOrPromise":
    return OUTCOME_LABELS[Method(method)].get(code, code)


def ballot_is_valid(rule: Rule, marks: Marks, option_ids: Collection[int]) -> bool:
    """A ballot is valid when it marks only this poll's options, with this method's grades, and
    (for a pick) no more than K of them. A blank ballot is a valid abstention."""
    allowed = set(grade_codes(rule.method))
    known = {str(o) for o in option_ids}
    if any(str(option) not in known or grade not in allowed for option, grade in marks.items()):
        return False
    return not (rule.method == Method.CHOOSE and len(marks) > (rule.max_choices or 0))


def base_count(rule: Rule, *, eligible: int, present: int | None, valid: int) -> int:
    if rule.base == Base.ELIGIBLE:
        return eligible
    if rule.base == Base.PRESENT:
        if present is None:
            raise ValueError("the number of voters present is needed for this threshold")
        return present
    return valid


def passes(majority: Majority, votes: int, base: int) -> bool:
    """More than half: strictly more than base / 2 (an exact half fails). Plurality: any vote."""
    if majority == Majority.MORE_THAN_HALF:
        return base > 0 and votes * 2 > base
    return votes > 0


def count(
    rule: Rule,
    option_ids: Collection[int],
    ballots: Iterable[tuple[Marks, bool]],
    paper: Iterable[tuple[int, str, int]] = (),
) -> dict[int, dict[str, int]]:
    """Votes per option and grade, from valid electronic ballots and paper tally lines."""
    grades = grade_codes(rule.method)
    totals = {int(o): dict.fromkeys(grades, 0) for o in option_ids}
    for marks, valid in ballots:
        if not valid:
            continue
        for option, grade in marks.items():
            totals[int(option)][grade] += 1
    for option, grade, n in paper:
        totals[int(option)][grade] += n
    return totals


@dataclass
class Line:
    option: int
    counts: dict[str, int]
    votes: int  # the votes that carry the option: "yes", "for", or the best grade
    share: str | None  # votes as a percentage of the base, two places
    outcome: str
    rank: int | None = None


@dataclass
class Outcome:
    method: str
    eligible: int
    present: int | None
    electronic: int
    paper_returned: int
    valid: int
    invalid: int
    base: int
    seats: int | None
    lines: list[Line] = field(default_factory=list)
    tied: list[int] = field(default_factory=list)
    seats_unfilled: int | None = None

    @property
    def cast(self) -> int:
        return self.valid + self.invalid

    @property
    def has_tie(self) -> bool:
        return bool(self.tied)

    def line_for(self, option_id: int) -> Line | None:
        return next((line for line in self.lines if line.option == option_id), None)

    @property
    def selected(self) -> list[int]:
        return [line.option for line in self.lines if line.outcome == SELECTED]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Outcome":
        data = dict(data)
        data["lines"] = [Line(**line) for line in data.get("lines", [])]
        return cls(**data)


def _share(votes: int, base: int) -> str | None:
    if base <= 0:
        return None
    value = (Decimal(votes) * 100 / Decimal(base)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return str(value)


def _ranks(scores: Mapping[int, int]) -> dict[int, int]:
    """Standard competition ranking: 1, 2, 2, 4."""
    ordered = sorted(scores.values(), reverse=True)
    return {option: ordered.index(score) + 1 for option, score in scores.items()}


def decide(
    rule: Rule,
    option_ids: list[int],
    counts: Mapping[int, Mapping[str, int]],
    *,
    eligible: int,
    present: int | None,
    electronic: int,
    paper_returned: int,
    valid: int,
    invalid: int,
) -> Outcome:
    """The outcome of every option under the rule. Ties at the last place are reported as ties:
    none of the tied options is selected and the places they compete for stay unfilled."""
    base = base_count(rule, eligible=eligible, present=present, valid=valid)
    outcome = Outcome(
        method=str(rule.method),
        eligible=eligible,
        present=present,
        electronic=electronic,
        paper_returned=paper_returned,
        valid=valid,
        invalid=invalid,
        base=base,
        seats=rule.seats,
    )
    grades = grade_codes(rule.method)

    if rule.method == Method.EVALUATION:
        for option in option_ids:
            row = dict(counts[option])
            verdict, running = grades[-1], 0
            for grade in grades[:-1]:
                running += row[grade]
                if passes(rule.majority, running, base):
                    verdict = grade
                    break
            outcome.lines.append(
                Line(option, row, row[grades[0]], _share(row[grades[0]], base), verdict)
            )
        return outcome

    score_grade = grades[0]  # "yes" for a pick, "for" for an approval
    scores = {option: counts[option][score_grade] for option in option_ids}
    qualified = [o for o in option_ids if passes(rule.majority, scores[o], base)]
    chosen: list[int] = []
    tied: list[int] = []
    if rule.seats is None:
        chosen = qualified
    else:
        by_score: dict[int, list[int]] = {}
        for option in qualified:
            by_score.setdefault(scores[option], []).append(option)
        for score in sorted(by_score, reverse=True):
            group = by_score[score]
            remaining = rule.seats - len(chosen)
            if remaining <= 0:
                break
            if len(group) <= remaining:
                chosen.extend(group)
            else:
                tied = group  # more options than places at this score: a tie, not a draw
                break
        outcome.seats_unfilled = rule.seats - len(chosen)
    outcome.tied = sorted(tied)
    ranks = _ranks(scores)
    for option in sorted(option_ids, key=lambda o: (ranks[o], option_ids.index(o))):
        verdict = SELECTED if option in chosen else TIED if option in tied else NOT_SELECTED
        outcome.lines.append(
            Line(
                option,
                dict(counts[option]),
                scores[option],
                _share(scores[option], base),
                verdict,
                ranks[option],
            )
        )
    return outcome


def paper_tally_errors(
    rule: Rule,
    *,
    issued: int,
    returned: int,
    valid: int,
    invalid: int,
    counts: Mapping[int, Mapping[str, int]],
    labels: Mapping[int, str] | None = None,
) -> list[str]:
    """What is wrong with a box's tally, as translated sentences (empty when it adds up)."""
    labels = labels or {}
    errors = []
    if min(issued, returned, valid, invalid) < 0 or any(
        n < 0 for row in counts.values() for n in row.values()
    ):
        errors.append(gettext("Counts cannot be negative."))
        return errors
    if returned > issued:
        errors.append(
            gettext("More ballots were returned (%(returned)s) than issued (%(issued)s).")
            % {"returned": returned, "issued": issued}
        )
    if valid + invalid != returned:
        errors.append(
            gettext(
                "Valid (%(valid)s) and invalid (%(invalid)s) ballots must add up to the "
                "ballots returned (%(returned)s)."
            )
            % {"valid": valid, "invalid": invalid, "returned": returned}
        )
    for option, row in counts.items():
        if sum(row.values()) > valid:
            errors.append(
                gettext("“%(option)s” has %(count)s marks, more than the %(valid)s valid ballots.")
                % {
                    "option": labels.get(option, option),
                    "count": sum(row.values()),
                    "valid": valid,
                }
            )
    if rule.method == Method.CHOOSE and rule.max_choices:
        marks = sum(n for row in counts.values() for n in row.values())
        if marks > valid * rule.max_choices:
            errors.append(
                gettext(
                    "%(marks)s marks in all is more than %(valid)s valid ballots can hold "
                    "with at most %(k)s choices each."
                )
                % {"marks": marks, "valid": valid, "k": rule.max_choices}
            )
    return errors
