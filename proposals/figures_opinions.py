"""Review figures for residents' opinions (see congress.review.registry)."""
