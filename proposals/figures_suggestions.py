"""Review figures for suggestions and motions (see congress.review.registry)."""
