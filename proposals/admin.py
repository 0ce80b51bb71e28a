"""The proposals app's back office. Django's admin imports this module; each area registers its
own admins in its own package, and this module only names them."""

from proposals.handling import admin as handling_admin  # noqa: F401
from proposals.handling import clerk_admin, ledger_admin  # noqa: F401
from proposals.motions import admin as motion_admin  # noqa: F401
from proposals.opinions import admin as opinion_admin  # noqa: F401
from proposals.scorecards import admin as scorecard_admin  # noqa: F401
from proposals.suggestions import admin as suggestion_admin  # noqa: F401
