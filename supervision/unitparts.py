"""What the vote engine adds to a handling unit's public scorecard (congress.kit.unitparts): the
deputies' satisfaction poll on the unit, once its result is published."""

from django.utils.translation import gettext as _

from congress.kit.unitparts import UnitPart, unit_part
from supervision import rules
from supervision.models import UnitEvaluation
from supervision.selectors import PUBLIC_RESULT, result_lines


@unit_part
def satisfaction(year: int, unit_ids: list[int]) -> dict[int, list[UnitPart]]:
    """One query: the year's published polls on these units with their results."""
    evaluations = UnitEvaluation.objects.filter(
        year=year, organisation_id__in=unit_ids, poll__status__in=PUBLIC_RESULT
    ).select_related("poll__result")
    found: dict[int, list[UnitPart]] = {}
    for evaluation in evaluations:
        lines = list(result_lines(evaluation.poll).values())
        if not lines:
            continue
        line = lines[0]
        order = [str(label) for _code, label in rules.grade_choices(evaluation.poll.method)]
        ranked = sorted(line.counts, key=lambda pair: order.index(str(pair[0])))
        counts = "，".join(f"{label} {n}" for label, n in ranked)
        value = f"{line.outcome_label}（{counts}）"
        found[evaluation.organisation_id] = [
            UnitPart(
                label=_("Deputies' satisfaction poll"),
                value=value,
            )
        ]
    return found
