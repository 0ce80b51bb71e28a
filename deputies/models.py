"""Deputies, their delegations and groups, liaison stations, receptions and activity records."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.kit.urls import reverse_id
from congress.models import Term, Town

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, such as 13812345678.")
)
id_number_validator = RegexValidator(
    r"^\d{17}[\dXx]$", _("Enter an 18-character resident ID number.")
)


class Delegation(models.Model):
    """A delegation (代表团) of deputies elected in one town or street, for one term."""

    term = models.ForeignKey(
        Term, models.PROTECT, related_name="delegations", verbose_name=_("term")
    )
    town = models.ForeignKey(
        Town, models.PROTECT, related_name="delegations", verbose_name=_("town or street")
    )
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["term", "town__order", "name"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(fields=["term", "town"], name="delegation_unique_town"),
            models.UniqueConstraint(fields=["term", "name"], name="delegation_unique_name"),
        ]

    def __str__(self):
        return self.name


class DeputyQuerySet(models.QuerySet):
    def serving(self):
        """Deputies whose mandate has not ended."""
        return self.filter(status=Deputy.Status.SERVING)

    def current(self):
        """Serving deputies of the current term."""
        term = Term.objects.current()
        return self.serving().filter(term=term) if term else self.none()

    def public(self):
        """What a public page may list: every deputy of a term, with their public fields only.

        Callers pick columns with `.only()` through `PUBLIC_FIELDS`; private columns are never read.
        """
        return self.select_related("delegation__town", "term").only(*Deputy.PUBLIC_FIELDS)


class Deputy(models.Model):
    """A deputy (人大代表) to the city congress for one term.

    Phone, ID number and birth date are private: they exist for staff and never reach a public page,
    an export meant for the public or a log line.
    """

    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class Status(models.TextChoices):
        SERVING = "serving", _("serving")
        ENDED = "ended", _("mandate ended")

    term = models.ForeignKey(Term, models.PROTECT, related_name="deputies", verbose_name=_("term"))
    card_number = models.CharField(
        _("deputy card number"),
        max_length=20,
        unique=True,
        help_text=_("The number on the deputy's card; imports match deputies by it."),
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    party = models.CharField(_("political affiliation"), max_length=30, blank=True)
    occupation = models.CharField(_("occupation and title"), max_length=200, blank=True)
    delegation = models.ForeignKey(
        Delegation, models.PROTECT, related_name="deputies", verbose_name=_("delegation")
    )
    # The delegation's town's order, copied here so that the directory's order (Meta.ordering:
    # the town's order, the name, the id) is one index's (deputy_directory_order): sorting the
    # term's 2,800 deputies across the delegation and town join cost ~2.5 ms of the directory's
    # first page in PostgreSQL, the index range scan ~0.1 ms. Kept in step by the database
    # itself (triggers of migration 0006, on inserting or moving a deputy, moving a delegation
    # to another town and reordering a town), so that bulk writes, imports and raw SQL keep it
    # too; a value given here is overwritten.
    town_order = models.PositiveSmallIntegerField(_("town's order"), default=0, editable=False)
    constituency = models.CharField(_("constituency"), max_length=100, blank=True)
    photo = models.ImageField(_("photo"), upload_to="deputies/", blank=True)
    bio = models.TextField(_("public biography"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SERVING
    )
    ended_on = models.DateField(_("mandate ended on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy",
        verbose_name=_("login account"),
    )
    # Private fields: staff only.
    phone = models.CharField(
        _("mobile phone"), max_length=11, blank=True, validators=[mobile_validator]
    )
    id_number = models.CharField(
        _("resident ID number"), max_length=18, blank=True, validators=[id_number_validator]
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)

    PUBLIC_FIELDS = (
        "id",
        "term",
        "card_number",
        "name",
        "gender",
        "ethnicity",
        "party",
        "occupation",
        "delegation",
        "constituency",
        "photo",
        "bio",
        "status",
        "ended_on",
        "delegation__name",
        "delegation__town__name",
        "delegation__town__order",
        "term__number",
    )
    PRIVATE_FIELDS = ("phone", "id_number", "birth_date")

    objects = DeputyQuerySet.as_manager()

    class Meta:
        ordering = ["delegation__town__order", "name", "id"]
        indexes = [
            models.Index(
                fields=["term", "town_order", "name", "id"], name="deputy_directory_order"
            ),
            # The directory's affiliations (filters.OPTIONS_SQL), each found by one probe.
            models.Index(fields=["term", "party"], name="deputy_term_party"),
        ]
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        # Exporting phone, ID number and birth date is its own right, apart from editing deputies.
        permissions = [("export_private_deputy", _("Can export deputies' private columns"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="serving", ended_on__isnull=True)
                | Q(status="ended", ended_on__isnull=False),
                name="deputy_ended_on_matches_status",
                violation_error_message=_(
                    "A deputy whose mandate ended needs the date it ended; a serving deputy has none."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_id("deputies:detail", self.pk)


class DeputyGroup(models.Model):
    """A deputy group: by constituency (代表小组) or by profession (专业小组)."""

    class Kind(models.TextChoices):
        CONSTITUENCY = "constituency", _("constituency group")
        PROFESSIONAL = "professional", _("professional group")

    term = models.ForeignKey(
        Term, models.PROTECT, related_name="deputy_groups", verbose_name=_("term")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    town = models.ForeignKey(
        Town,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_groups",
        verbose_name=_("town or street"),
    )
    members = models.ManyToManyField(
        Deputy, related_name="groups", blank=True, verbose_name=_("members")
    )
    leader = models.ForeignKey(
        Deputy,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups_led",
        verbose_name=_("leader"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("deputy group")
        verbose_name_plural = _("deputy groups")
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="deputygroup_unique_name")
        ]

    def __str__(self):
        return self.name


class LiaisonStation(models.Model):
    """A liaison station (代表联络站) where deputies meet residents; its QR code opens the opinion form."""

    class Tier(models.TextChoices):
        HEAD = "head", _("head station")
        CENTRAL = "central", _("town or street central station")
        STATION = "station", _("station")
        POINT = "point", _("liaison point")

    name = models.CharField(_("name"), max_length=100, unique=True)
    town = models.ForeignKey(
        Town, models.PROTECT, related_name="stations", verbose_name=_("town or street")
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.STATION)
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("station telephone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    deputies = models.ManyToManyField(
        Deputy, related_name="stations", blank=True, verbose_name=_("stationed deputies")
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "town__order", "name"]
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_id("deputies:station_detail", self.pk)


class Reception(models.Model):
    """A reception day (接待选民活动) at a station: deputies on duty meet residents."""

    station = models.ForeignKey(
        LiaisonStation, models.CASCADE, related_name="receptions", verbose_name=_("station")
    )
    date = models.DateField(_("date"))
    notice_date = models.DateField(_("notice published on"), null=True, blank=True)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    deputies = models.ManyToManyField(
        Deputy, related_name="receptions", blank=True, verbose_name=_("deputies on duty")
    )
    residents_received = models.PositiveIntegerField(_("residents received"), default=0)
    notes = models.TextField(_("public summary"), blank=True)

    class Meta:
        ordering = ["-date", "station"]
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")
        # The newest reception (the home page's year), a year's or a station's latest ones.
        indexes = [models.Index(fields=["date"], name="reception_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_date__isnull=True) | Q(notice_date__lte=F("date")),
                name="reception_notice_before_date",
            )
        ]

    def __str__(self):
        return f"{self.station} {self.date:%Y-%m-%d}"


class ReceptionSessionQuerySet(models.QuerySet):
    def open(self, at=None):
        """Sessions running at `at` (now by default)."""
        at = at or timezone.now()
        return self.filter(opened_at__lte=at, ends_at__gt=at)


class ReceptionSession(models.Model):
    """A few hours of a reception day (接待日) at a station, opened by a deputy or staff.

    While one is open, residents sending opinions to the station from one shared address (the
    station's Wi-Fi, a carrier's shared address) are not held to the per-address limit of the
    opinion form; the per-station limit still applies, as a challenge a person passes.
    """

    station = models.ForeignKey(
        LiaisonStation,
        models.CASCADE,
        related_name="reception_sessions",
        verbose_name=_("station"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"))
    ends_at = models.DateTimeField(_("ends at"))

    objects = ReceptionSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("opened_at")), name="receptionsession_ends_after_opening"
            )
        ]
        indexes = [models.Index(fields=["station", "ends_at"])]

    def __str__(self):
        return f"{self.station} {timezone.localtime(self.opened_at):%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.opened_at <= timezone.now() < self.ends_at


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("congress or standing-committee meeting")
    INSPECTION = "inspection", _("inspection")
    RESEARCH = "research", _("research")
    TRAINING = "training", _("training")
    RECEPTION = "reception", _("reception of residents")
    GROUP = "group", _("deputy-group activity")
    REPORT = "report", _("reporting to voters")
    OTHER = "other", _("other activity")


class Activity(models.Model):
    """One thing a deputy did in office; verified activities feed the performance record."""

    Kind = ActivityKind

    deputy = models.ForeignKey(
        Deputy, models.CASCADE, related_name="activities", verbose_name=_("deputy")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    evidence = models.TextField(_("evidence"), blank=True)
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["deputy", "date"], name="activity_deputy_date")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="activity_hours_not_negative")
        ]

    def __str__(self):
        return f"{self.deputy} · {self.title}"


class PointRuleQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class PointRule(models.Model):
    """How many points (履职积分) one verified activity of a kind earns, for a span of dates.

    Staff edit these; a new rule for the same kind starts the day the old one stops.
    """

    kind = models.CharField(_("activity kind"), max_length=16, choices=ActivityKind.choices)
    points = models.DecimalField(_("points per activity"), max_digits=5, decimal_places=1)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = PointRuleQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="pointrule_valid_range",
            ),
            models.UniqueConstraint(fields=["kind", "valid_from"], name="pointrule_unique_start"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.points}"

    def clean(self):
        super().clean()
        if not self.valid_from or not self.kind:
            return
        overlapping = PointRule.objects.filter(kind=self.kind).exclude(pk=self.pk)
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        overlapping = overlapping.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if overlapping.exists():
            raise ValidationError(
                {
                    "valid_from": _(
                        "Another rule for this kind of activity covers some of these dates."
                    )
                }
            )


class PrivateExport(models.Model):
    """One export of deputies' private columns from the admin: who, when, how many rows and in
    which format — never the data itself."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150)
    exported_at = models.DateTimeField(_("exported at"), default=timezone.now, db_index=True)
    rows = models.PositiveIntegerField(_("number of rows"))
    file_format = models.CharField(_("file format"), max_length=20)

    class Meta:
        ordering = ["-exported_at", "-id"]
        verbose_name = _("private-column export")
        verbose_name_plural = _("private-column exports")

    def __str__(self):
        return f"{self.username} {self.exported_at:%Y-%m-%d %H:%M}"
