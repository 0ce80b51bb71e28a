"""Writes that change a review's state: publishing and withdrawing it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import AnnualReview


@transaction.atomic
def review_publish(*, review: AnnualReview, on: datetime.date | None = None) -> AnnualReview:
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    if review.published:
        raise ValidationError(
            _("The %(year)s review is already published.") % {"year": review.year}
        )
    if not review.sections.exists():
        raise ValidationError(_("A review needs at least one section before it is published."))
    review.published = True
    review.published_on = on or review.published_on or timezone.localdate()
    review.save(update_fields=["published", "published_on", "updated_at"])
    return review


@transaction.atomic
def review_unpublish(*, review: AnnualReview) -> AnnualReview:
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    if not review.published:
        raise ValidationError(_("The %(year)s review is not published.") % {"year": review.year})
    review.published = False
    review.published_on = None
    review.save(update_fields=["published", "published_on", "updated_at"])
    return review
