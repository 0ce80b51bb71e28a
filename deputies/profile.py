"""A deputy's public profile and printable performance record (履职档案): what this app knows
(stations, receptions, verified activities) and what other apps contribute.

Other apps add a part (their items, their figures) without this app importing them: they
register a function `(deputy, year) -> ProfilePart | None` with `profile_part` in their own
`profile.py`, which `contributions` discovers (congress.kit.registry) as the admin finds
`admin.py`. The same module registers the panels of the workspace overview
(deputies.portal.overview_panel).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from congress.kit.registry import Discovery
from deputies import selectors
from deputies.models import Reception


@dataclass
class ProfilePart:
    """One app's contribution: a partial for the page and the PDF, its context, and the
    year's figures for the summary, as (label, number) pairs."""

    template: str
    context: dict
    figures: list[tuple[str, int]] = field(default_factory=list)


PROFILE_PARTS: list[Callable[..., ProfilePart | None]] = []
contributions = Discovery("profile")  # every app's profile.py: profile parts, overview panels


def profile_part(func):
    if func not in PROFILE_PARTS:
        PROFILE_PARTS.append(func)
    return func


def receptions_of(deputy, year: int):
    """The reception days the deputy was on duty in the year, newest first."""
    return (
        Reception.objects.filter(deputies=deputy, date__year=year)
        .select_related("station")
        .order_by("-date", "-id")
    )


@dataclass
class Profile:
    deputy: object
    year: int
    record: selectors.PerformanceRecord
    receptions: list
    residents_received: int
    parts: list[ProfilePart]

    @property
    def figures(self) -> list[tuple[str, object]]:
        own = [
            (_("Reception days on duty"), len(self.receptions)),
            (_("Residents received"), self.residents_received),
            (_("Verified activities"), self.record.total_count),
            (_("Points"), self.record.total_points),
        ]
        return own + [figure for part in self.parts for figure in part.figures]


def build_profile(deputy, year: int) -> Profile:
    contributions.discover()
    receptions = list(receptions_of(deputy, year))
    parts = [part for func in PROFILE_PARTS if (part := func(deputy, year)) is not None]
    return Profile(
        deputy=deputy,
        year=year,
        record=selectors.performance_record(deputy, year),
        receptions=receptions,
        residents_received=sum(r.residents_received for r in receptions),
        parts=parts,
    )
