"""Suggestions, motions, residents' opinions and the handling machinery they share."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimelineEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("actor")

    def public(self):
        return self.filter(public=True)


class TimelineEntry(models.Model):
    """One dated, attributed step in the life of an item (a suggestion, an opinion, a poll …).

    Every service that changes an item's state writes one in the same transaction; an item's
    public timeline is this table filtered by `public`.
    """

    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    actor_label = models.CharField(
        _("by (as shown)"),
        max_length=100,
        blank=True,
        help_text=_("What the public timeline shows instead of a person: a unit, an office."),
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("public"), default=True)

    objects = TimelineEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="timeline_item_at")
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


def timeline_write(
    *,
    item,
    action: str,
    actor=None,
    actor_label: str = "",
    note: str = "",
    public: bool = True,
    at=None,
) -> TimelineEntry:
    """Record a step; called by services inside their transaction."""
    return TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        action=action,
        actor=actor,
        actor_label=actor_label,
        note=note,
        public=public,
        at=at or timezone.now(),
    )
