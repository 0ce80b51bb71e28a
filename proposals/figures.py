"""Figures of the annual review (congress.review.registry) contributed by this app.

Discovered by the registry (autodiscover_modules("figures")); each area registers its own.
"""

from proposals.opinions import figures as figures_opinions  # noqa: F401
from proposals.scorecards import figures as figures_scorecards  # noqa: F401
from proposals.suggestions import figures as figures_suggestions  # noqa: F401
