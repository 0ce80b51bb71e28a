"""What the apps add to a handling unit's public scorecard (issue 16), without importing each other.

The scorecard belongs to proposals; the deputies' satisfaction poll on each unit belongs to the
vote engine in supervision. Supervision contributes from its ``unitparts.py``::

    @unit_part
    def satisfaction(year: int, unit_ids: list[int]) -> dict[int, list[UnitPart]]: ...

and the scorecard pages ask ``unit_parts(year, unit_ids)``. A contributor reads its rows in a
fixed number of queries whatever the number of units; the pages that show the parts declare the
contributors' page-cache topics too (the vote engine's rows touch "supervision").
"""

from collections.abc import Callable
from dataclasses import dataclass

from congress.kit.registry import Discovery

_discovery = Discovery("unitparts")
Contributor = Callable[[int, list[int]], dict[int, list["UnitPart"]]]
_parts: list[Contributor] = []


@dataclass
class UnitPart:
    """One line about a unit: a label, what it says, and a public page to read more."""

    label: str
    value: str
    url: str = ""


def unit_part(function: Contributor) -> Contributor:
    _parts.append(function)
    return function


def unit_parts(year: int, unit_ids: list[int]) -> dict[int, list[UnitPart]]:
    """Every contributor's lines for these units, by unit id."""
    _discovery.discover()
    found: dict[int, list[UnitPart]] = {}
    for part in _parts:
        for unit_id, lines in part(year, unit_ids).items():
            found.setdefault(unit_id, []).extend(lines)
    return found
