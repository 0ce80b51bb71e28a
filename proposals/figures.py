"""Figures of the annual review (congress.review.registry) contributed by this app.

Discovered by the registry (autodiscover_modules("figures")); each area registers its own.
"""

from proposals import figures_opinions, figures_suggestions  # noqa: F401
