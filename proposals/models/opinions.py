"""Residents' opinions (群众意见) sent through liaison stations, and their photos."""

from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress.kit.workflow import Workflow
from deputies.models import Deputy
from proposals.models.base import Rating
from proposals.models.handling import Assignment

# ---------------------------------------------------------------------------------------------
# Residents' opinions (群众意见 / 民情) through liaison stations and deputies' QR codes
#
# A resident scans a station's or a deputy's code (or tells a deputy at a reception), writes what
# is wrong and gets a short tracking code. The station's deputies (or staff) accept it and answer
# on the spot, route it to a handling unit — through the same Assignment and Reply rows as a
# suggestion, pointing at the opinion instead — or turn it into a suggestion draft; or they do not
# accept it and say which channel to use. The resident rates the answer; an unsatisfied rating
# reopens it once. The resident's name and phone are private (see Opinion.PUBLIC_FIELDS).
# ---------------------------------------------------------------------------------------------

# Tracking codes: no 0/O, 1/I/L, so that a code read aloud or copied by hand cannot be mistaken.
OPINION_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
OPINION_CODE_LENGTH = 8
OPINION_CONTENT_MIN, OPINION_CONTENT_MAX = 10, 2000


class OpinionCategory(models.TextChoices):
    """What residents' opinions are about: a short list (Jiaxing's platform uses 28)."""

    ROADS = "roads", _("roads, traffic and parking")
    HOUSING = "housing", _("housing and property management")
    ENVIRONMENT = "environment", _("environment and sanitation")
    UTILITIES = "utilities", _("water, power, gas and networks")
    SAFETY = "safety", _("public safety and fire")
    ELDERLY = "elderly", _("elderly care and social security")
    EDUCATION = "education", _("schools and health care")
    RURAL = "rural", _("farming and village affairs")
    JOBS = "jobs", _("jobs, business and markets")
    COMMUNITY = "community", _("community services and other matters")


class OpinionChannel(models.TextChoices):
    """Where a matter the station does not accept belongs (domain.md §5: tell the resident)."""

    LITIGATION = "litigation", _("a lawsuit at the court")
    ADMIN_REVIEW = "admin_review", _("an application for administrative review")
    ARBITRATION = "arbitration", _("arbitration")
    PETITION = "petition", _("letters and visits (信访)")


def new_opinion_code() -> str:
    """8 characters from a 31-letter alphabet: about 8.5 × 10¹¹ codes, drawn with `secrets`."""
    import secrets

    return "".join(secrets.choice(OPINION_CODE_ALPHABET) for _i in range(OPINION_CODE_LENGTH))


def normalise_opinion_code(raw: str) -> str:
    """What a resident typed → the stored form: upper case, no spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:20]


# --- Figures (proposals/opinions/selectors.py and the station page use them) ---


@dataclass(frozen=True)
class OpinionFigures:
    received: int = 0
    closed: int = 0
    rated: int = 0
    satisfied: int = 0  # 满意 and 基本满意

    @property
    def closure_rate(self) -> float | None:
        return round(100 * self.closed / self.received, 1) if self.received else None

    @property
    def satisfaction_rate(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None


COUNTS = {
    "received": Count("id"),
    "closed": Count("id", filter=Q(closed_at__isnull=False)),
    "rated": Count("id", filter=~Q(rating="")),
    "satisfied": Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
}


def figures_of(queryset) -> OpinionFigures:
    """One aggregate query."""
    return OpinionFigures(**queryset.order_by().aggregate(**COUNTS))


def latest_year_figures(queryset) -> dict:
    """The figures of the latest year with opinions in `queryset` (a station's block)."""
    last = queryset.order_by().aggregate(last=Max("submitted_at"))["last"]
    if last is None:
        return {"year": None, "figures": OpinionFigures()}
    year = timezone.localtime(last).year
    return {"year": year, "figures": figures_of(queryset.in_year(year))}


class OpinionQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(submitted_at__year=year)

    def closed(self):
        """办结: closed after a rating or by staff, or not accepted with the channel explained."""
        return self.filter(closed_at__isnull=False)

    def for_deputy(self, deputy):
        """The opinions a deputy handles: sent to their stations or to their own code."""
        stations = deputy.stations.values("pk")
        return self.filter(Q(station__in=stations) | Q(deputy=deputy))

    def for_unit(self, units):
        assigned = Assignment.objects.filter(
            opinion=OuterRef("pk"), active=True, organisation__in=units
        )
        return self.filter(Exists(assigned))

    def figures(self):
        """Received, closed, closure and satisfaction for these rows in their latest year.

        Callable without arguments, so that a template can ask a station for its block:
        `{% with f=station.opinions.figures %}`.
        """
        return latest_year_figures(self)


class Opinion(Workflow, models.Model):
    """A resident's opinion (群众意见), sent by scanning a code or told to a deputy at a reception."""

    # Its URL carries the tracking code, the resident's only key: the admin never links to it.
    url_is_capability = True

    class Source(models.TextChoices):
        STATION_QR = "station_qr", _("station QR code")
        DEPUTY_QR = "deputy_qr", _("deputy QR code")
        RECEPTION = "reception", _("reception day")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("received")
        ACCEPTED = "accepted", _("accepted")
        NOT_ACCEPTED = "not_accepted", _("not accepted")
        ROUTED = "routed", _("with the handling unit")
        ESCALATED = "escalated", _("taken up as a deputy's suggestion")
        REPLIED = "replied", _("answered, waiting for your rating")
        REOPENED = "reopened", _("being handled again")
        CLOSED = "closed", _("closed")

        @classmethod
        def handling(cls):
            """Waiting for an answer: what the portal lists first."""
            return [cls.SUBMITTED, cls.ACCEPTED, cls.ROUTED, cls.ESCALATED, cls.REOPENED]

    class Handling(models.TextChoices):
        ON_THE_SPOT = "on_the_spot", _("answered on the spot")
        UNIT = "unit", _("routed to a handling unit")
        SUGGESTION = "suggestion", _("turned into a deputy's suggestion")

    # The workflow, written once (DESIGN.md "Opinion"); each arrow is one service in
    # opinion_services.py. Answering, routing or escalating a submitted opinion accepts it in the
    # same step.
    TRANSITIONS = {
        Status.SUBMITTED: {
            Status.ACCEPTED,
            Status.NOT_ACCEPTED,
            Status.REPLIED,
            Status.ROUTED,
            Status.ESCALATED,
        },
        Status.ACCEPTED: {Status.REPLIED, Status.ROUTED, Status.ESCALATED},
        Status.ROUTED: {Status.REPLIED},
        Status.ESCALATED: {Status.REPLIED},
        Status.REPLIED: {Status.CLOSED, Status.REOPENED},
        Status.REOPENED: {Status.REPLIED, Status.ROUTED},
        Status.NOT_ACCEPTED: set(),
        Status.CLOSED: set(),
    }
    # The timestamp field each status sets when an opinion reaches it (congress/kit/workflow.py).
    STAMPS = {
        Status.ACCEPTED: "accepted_at",
        Status.NOT_ACCEPTED: "closed_at",
        Status.ROUTED: "routed_at",
        Status.REPLIED: "replied_at",
        Status.CLOSED: "closed_at",
    }
    # Two actions end in "answered" from different states: where each may start.
    STEPS = {
        "answer": {Status.SUBMITTED, Status.ACCEPTED, Status.ESCALATED, Status.REOPENED},
        "unit_reply": {Status.ROUTED, Status.REOPENED},  # the reply of the unit handling it
    }

    code = models.CharField(
        _("tracking code"), max_length=OPINION_CODE_LENGTH, unique=True, default=new_opinion_code
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("station"),
    )
    deputy = models.ForeignKey(
        Deputy,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("deputy"),
    )
    reception = models.ForeignKey(
        "deputies.Reception",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("reception"),
    )
    category = models.CharField(_("category"), max_length=12, choices=OpinionCategory.choices)
    content = models.TextField(_("what the resident says"))
    # Private: staff with proposals.view_opinion_contact only; never on a public page or export.
    name = models.CharField(_("resident's name"), max_length=30, blank=True)
    phone = models.CharField(_("resident's mobile"), max_length=11, blank=True)
    consent = models.BooleanField(
        _("consent"),
        default=False,
        help_text=_("The resident agreed that the details are kept to handle the opinion."),
    )
    # A text when the opinion is answered (issue 16): only with this separate consent.
    texts = models.BooleanField(
        _("text me when it is answered"),
        default=False,
        help_text=_("The resident agreed to a text message to this number when it is answered."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    handling = models.CharField(_("handling"), max_length=12, choices=Handling.choices, blank=True)
    handled_by = models.ForeignKey(
        Deputy,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions_handled",
        verbose_name=_("deputy handling it"),
    )
    answer = models.TextField(
        _("answer"), blank=True, help_text=_("The deputy's or the office's own answer.")
    )
    not_accepted_reason = models.TextField(_("why it is not accepted"), blank=True)
    channel = models.CharField(
        _("channel to use"), max_length=12, choices=OpinionChannel.choices, blank=True
    )
    suggestion = models.OneToOneField(
        "Suggestion",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_opinion",
        verbose_name=_("suggestion made from it"),
    )
    rating = models.CharField(
        _("resident's rating"), max_length=12, choices=Rating.choices, blank=True
    )
    rating_comment = models.TextField(_("resident's comment"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    needs_attention = models.BooleanField(
        _("needs staff attention"),
        default=False,
        help_text=_("Closed with the resident still unsatisfied after it was handled again."),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    replied_at = models.DateTimeField(_("answered"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = OpinionQuerySet.as_manager()

    # Columns a public page may read (the tracking page, statistics): never name or phone.
    PUBLIC_FIELDS = (
        "id",
        "code",
        "source",
        "station",
        "deputy",
        "category",
        "content",
        "status",
        "handling",
        "answer",
        "not_accepted_reason",
        "channel",
        "rating",
        "reopen_count",
        "submitted_at",
        "replied_at",
        "closed_at",
    )

    # The resident's name and phone are private: the history keeps neither.
    history = HistoricalRecords(excluded_fields=["name", "phone"])

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("residents' opinion")
        verbose_name_plural = _("residents' opinions")
        permissions = [
            ("view_opinion_contact", _("Can see residents' names and phone numbers")),
            ("handle_opinion", _("Can route and close residents' opinions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(station__isnull=False) | Q(deputy__isnull=False),
                name="opinion_has_station_or_deputy",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_accepted") | (~Q(not_accepted_reason="") & ~Q(channel="")),
                name="opinion_not_accepted_has_reason_and_channel",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["closed", "not_accepted"]) | Q(closed_at__isnull=False),
                name="opinion_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="escalated") | Q(suggestion__isnull=False),
                name="opinion_escalated_has_suggestion",
            ),
            models.CheckConstraint(
                condition=Q(reopen_count__lte=1), name="opinion_reopened_at_most_once"
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(consent=True), name="opinion_contact_needs_consent"
            ),
            models.CheckConstraint(
                condition=Q(texts=False) | ~Q(phone=""), name="opinion_texts_need_a_phone"
            ),
        ]
        indexes = [models.Index(fields=["station", "submitted_at"], name="opinion_station_time")]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("opinions:track_detail", args=[self.code])

    def phone_for_texts(self) -> str:
        """The number to text about this opinion: only when the resident agreed to texts
        (congress.notices reads it when it sends, and never stores or logs it)."""
        return self.phone if self.texts and self.consent else ""


def opinion_photo_path(instance, filename):
    # A random name: the file name a phone gives (IMG_2022…) says when it was taken.
    import secrets

    return f"opinions/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{filename.rsplit('.', 1)[-1]}"


class OpinionPhoto(models.Model):
    """A photo sent with an opinion, re-encoded in the background so that no metadata (GPS) is
    kept; shown to deputies and staff only once that is done (`ready`)."""

    opinion = models.ForeignKey(
        Opinion, models.CASCADE, related_name="photos", verbose_name=_("opinion")
    )
    image = models.FileField(_("photo"), upload_to=opinion_photo_path)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    # False while the photo waits to be re-encoded in the background: until then it is the
    # file as sent (with its metadata) and nobody is shown it.
    ready = models.BooleanField(_("processed"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.opinion} #{self.pk}"
