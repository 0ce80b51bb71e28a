"""The notification layer's records (issue 16): the inbox, the delivery log, preferences, short links.

Imported by congress/models.py, so they are congress models (tables congress_notice …).
Privacy: no row here holds a phone number or an e-mail address. A deputy's mobile is read from
their record when a text is sent; a resident's from their opinion, and only with their consent.
"""

import secrets
import string

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SHORT_CODE_ALPHABET = string.ascii_letters + string.digits
SHORT_CODE_LENGTH = 12  # 62^12 ≈ 3 × 10^21: not guessable, and no page lists them


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _i in range(SHORT_CODE_LENGTH))


class NoticeQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """One notice to one person about one event: the inbox row (站内信).

    A deputy or a clerk is a `user`; a resident has no account, so their notice names the
    opinion it is about (`about`) and is delivered by text only, with the opinion's consent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    event = models.CharField(_("event"), max_length=40, db_index=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The few values the event's SMS template needs (a code, a date, a short link): no phone.
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    content_type = models.ForeignKey(
        ContentType, models.CASCADE, null=True, blank=True, verbose_name=_("about (type)")
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(object_id__isnull=False),
                name="notice_has_a_recipient",
            )
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One attempt to deliver a notice through one channel (the delivery log).

    It records the channel, the outcome, the provider's message id and an error code — never
    the phone number, the address or the text.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    notice = models.ForeignKey(
        Notice, models.CASCADE, related_name="deliveries", verbose_name=_("notice")
    )
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    fallback = models.BooleanField(
        _("fallback"), default=False, help_text=_("Sent by e-mail because the text failed.")
    )
    not_before = models.DateTimeField(_("held until"), null=True, blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    error = models.CharField(_("error code"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("logged"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("delivery log")
        indexes = [models.Index(fields=["status", "not_before"], name="delivery_queue")]

    def __str__(self):
        return f"{self.channel} · {self.get_status_display()}"


class NoticePreference(models.Model):
    """Which channels a person wants for one kind of event (the inbox always has it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notice_preferences",
        verbose_name=_("user"),
    )
    event = models.CharField(_("event"), max_length=40)
    email = models.BooleanField(_("e-mail"), default=True)
    sms = models.BooleanField(_("text message"), default=False)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="noticepreference_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.event}"


class NoticeProfile(models.Model):
    """A mobile number for texts, for a person whose number is on no record (a unit's clerk).

    A deputy's texts go to the number on their deputy record instead. Private: shown only to
    its owner on the preferences page, never in the admin, a log or an export.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notice_profile",
        verbose_name=_("user"),
    )
    mobile = models.CharField(_("mobile for texts"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("notice profile")
        verbose_name_plural = _("notice profiles")

    def __str__(self):
        return str(self.user)


class ShortLink(models.Model):
    """A short, unguessable address a text carries (/n/<code>/) that opens the action.

    `login` says whether the action needs the usual login first; a resident's link opens the
    tracking page, which asks for the tracking code itself. No page lists the codes.
    """

    code = models.CharField(
        _("code"), max_length=SHORT_CODE_LENGTH, unique=True, default=new_short_code
    )
    target = models.CharField(_("target"), max_length=500)
    login = models.BooleanField(_("needs a login"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("short link")
        verbose_name_plural = _("short links")

    def __str__(self):
        return self.target
