"""The one accessor for the congress's procedural rules (deadlines, limits, schemes).

    from congress.kit.rules import rule
    months = rule("SUGGESTION_REPLY_MONTHS")

Every rule and its default live in one place, `CONGRESS_RULES` in congress/settings.py; a call
site never carries its own default (a default there goes stale the day the setting changes).
A deployment overrides a rule by changing that dictionary; tests replace it with `settings`.
"""

from typing import Any

from django.conf import settings


def rule(key: str) -> Any:
    """The value of one procedural rule; KeyError names a rule that settings.py lacks."""
    return settings.CONGRESS_RULES[key]
