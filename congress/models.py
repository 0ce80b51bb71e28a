"""Congress-wide reference data: terms, sessions, meetings, towns, handling units, categories;
and what every app shares: the timeline of an item and the handling units' clerks."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.kit.events import TimelineEvent, event_for, event_label
from congress.kit.numerals import ordinals
from congress.review.registry import malformed_keys, parse_keys


class TermQuerySet(models.QuerySet):
    def current(self, on=None):
        """The term in force on a date (today by default), else the latest one."""
        on = on or timezone.localdate()
        term = (
            self.filter(start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .order_by("-number")
            .first()
        )
        return term or self.order_by("-number").first()


class Term(models.Model):
    """A five-year term (届) of the city's people's congress, e.g. the 16th, 2022–2027."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="term_end_after_start",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        # 第十六届 / the 16th term
        return _("the %(term)s term") % ordinals(term=self.number)


class Session(models.Model):
    """A session (次会议) of the congress within a term; suggestions and motions are filed at one."""

    term = models.ForeignKey(Term, models.PROTECT, related_name="sessions", verbose_name=_("term"))
    number = models.PositiveSmallIntegerField(_("number"))
    start_date = models.DateField(_("opening date"))
    end_date = models.DateField(_("closing date"))
    suggestion_deadline = models.DateTimeField(_("suggestion deadline"), null=True, blank=True)
    motion_deadline = models.DateTimeField(_("motion deadline"), null=True, blank=True)
    deputies_due = models.PositiveIntegerField(_("deputies due"), null=True, blank=True)
    deputies_present = models.PositiveIntegerField(_("deputies present"), null=True, blank=True)

    class Meta:
        ordering = ["-term__number", "-number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_number"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="session_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(deputies_present__isnull=True)
                | Q(deputies_due__isnull=True)
                | Q(deputies_present__lte=F("deputies_due")),
                name="session_present_not_above_due",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return session_label(self.term.number, self.number)


def session_label(term_number: int, number: int) -> str:
    """A session's name from its term's number and its own, for pages that read the two numbers
    with plain SQL: 十六届一次会议 / the 1st session of the 16th term."""
    return _("%(session)s session of the %(term)s term") % ordinals(
        term=term_number, session=number
    )


class Meeting(models.Model):
    """A standing-committee meeting (常委会会议) or a chair's meeting (主任会议), numbered per term."""

    class Kind(models.TextChoices):
        STANDING_COMMITTEE = "standing", _("standing committee meeting")
        CHAIRS = "chairs", _("chair's meeting")

    term = models.ForeignKey(Term, models.PROTECT, related_name="meetings", verbose_name=_("term"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    date = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["term", "kind", "number"], name="meeting_unique_number")
        ]

    def __str__(self):
        return _("%(kind)s no. %(number)s of the %(term)s term") % {
            "kind": self.get_kind_display(),
            "number": self.number,
            **ordinals(term=self.term.number),
        }


class Town(models.Model):
    """A town (镇) or street (街道) of the city."""

    class Kind(models.TextChoices):
        STREET = "street", pgettext_lazy("subdistrict", "street")
        TOWN = "town", _("town")

    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("town or street")
        verbose_name_plural = _("towns and streets")

    def __str__(self):
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Organisation(models.Model):
    """A handling unit (承办单位): a government department, the court, the procuratorate, a town."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government department")
        COURT = "court", _("court")
        PROCURATORATE = "procuratorate", _("procuratorate")
        TOWN = "town", _("town or street government")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GOVERNMENT)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    town = models.ForeignKey(
        Town, models.SET_NULL, null=True, blank=True, verbose_name=_("town or street")
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="organisation_not_own_parent")
        ]

    def __str__(self):
        return self.name


class Category(models.Model):
    """A subject category of suggestions; the list is versioned per term."""

    term = models.ForeignKey(
        Term, models.PROTECT, related_name="categories", verbose_name=_("term")
    )
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["term", "order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="category_unique_name")
        ]

    def __str__(self):
        return self.name


class Holiday(models.Model):
    """A day that breaks the Monday–Friday rule: a public holiday, or a weekend made a working day.

    The State Council publishes the holiday arrangement each year (调休); staff enter it here and
    every working-day deadline (congress.kit.workdays) follows it.
    """

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick for a weekend day that is worked in exchange for a holiday."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("holidays and adjusted working days")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class AnnualReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class AnnualReview(models.Model):
    """The year's work review (年度工作回眸): staff write the narrative, the figures are computed.

    Published reviews are public at /reviews/<year>/ and as a PDF; staff preview unpublished ones.
    """

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    lead = models.TextField(
        _("lead paragraph"), blank=True, help_text=_("Plain text shown under the title.")
    )
    published = models.BooleanField(_("published"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AnnualReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual work review")
        verbose_name_plural = _("annual work reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="annualreview_year_range"
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_on__isnull=False),
                name="annualreview_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.title}"

    def get_absolute_url(self):
        return reverse("reviews:detail", args=[self.year])

    def get_pdf_url(self):
        return reverse("reviews:pdf", args=[self.year])


class ReviewSection(models.Model):
    """One chapter of a review: a heading, a Markdown narrative, a photo and computed figures."""

    review = models.ForeignKey(
        AnnualReview, models.CASCADE, related_name="sections", verbose_name=_("review")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    heading = models.CharField(_("heading"), max_length=200)
    narrative = models.TextField(
        _("narrative"),
        blank=True,
        help_text=_(
            "Markdown: blank lines between paragraphs, **bold**, lists, links. "
            "Scripts and other unsafe markup are removed when the page is shown."
        ),
    )
    photo = models.ImageField(_("photo"), upload_to="reviews/photos/", blank=True)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it. Required with a photo."),
    )
    photo_caption = models.CharField(_("photo caption"), max_length=200, blank=True)
    figure_keys = models.TextField(
        _("figures"),
        blank=True,
        help_text=_(
            "Keys of computed figures, separated by commas, in the order to show them, "
            "e.g. deputies.count, receptions.by_month. The list of keys is on the review's page "
            "in the back office."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["review", "order", "id"]
        verbose_name = _("review section")
        verbose_name_plural = _("review sections")
        constraints = [
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""), name="reviewsection_photo_has_alt"
            ),
        ]

    def __str__(self):
        return self.heading

    @property
    def keys(self) -> list[str]:
        return parse_keys(self.figure_keys)

    def clean(self):
        """Malformed keys are errors; well-formed keys no app provides yet are allowed.

        The app that computes a key may be installed later (the admin warns about such keys).
        """
        super().clean()
        errors = {}
        bad = malformed_keys(self.keys)
        if bad:
            errors["figure_keys"] = _(
                "Not a figure key: %(keys)s. Keys look like deputies.count."
            ) % {"keys": ", ".join(bad)}
        if self.photo and not self.photo_alt.strip():
            errors["photo_alt"] = _("Describe the photo for people who cannot see it.")
        if errors:
            raise ValidationError(errors)


class ReviewPdf(models.Model):
    """A rendered PDF of a review, kept for as long as its fingerprint matches the data."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    review = models.ForeignKey(
        AnnualReview, models.CASCADE, related_name="pdfs", verbose_name=_("review")
    )
    language = models.CharField(_("language"), max_length=10)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("file"), upload_to="reviews/pdf/", blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    seconds = models.FloatField(_("rendering time in seconds"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("review PDF")
        verbose_name_plural = _("review PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "language", "fingerprint"], name="reviewpdf_unique_fingerprint"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(file=""), name="reviewpdf_ready_has_file"
            ),
        ]

    def __str__(self):
        return f"{self.review} ({self.language}, {self.get_status_display()})"


class ImportJob(models.Model):
    """One confirmed spreadsheet import, run as a background task (congress.kit.import_jobs).

    The uploaded file itself waits in the cache or a private temporary folder only until the
    task has read it; this row keeps who imported which file and what came of it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("not imported")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", models.CASCADE, verbose_name=_("records of")
    )
    resource = models.CharField(_("resource"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    upload_key = models.CharField(_("upload key"), max_length=64)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self):
        return self.file_name


class UnitMembership(models.Model):
    """A login that answers for a handling unit (承办单位经办人): it sees that unit's items only.

    Moved here from proposals (issue 14); the table keeps its name, proposals_unitmembership.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="unit_memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="members", verbose_name=_("handling unit")
    )

    class Meta:
        db_table = "proposals_unitmembership"
        verbose_name = _("handling-unit clerk")
        verbose_name_plural = _("handling-unit clerks")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unitmembership_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation}"


# ---------------------------------------------------------------------------------------------
# The timeline every item shares (a suggestion, a motion, an opinion, a poll, a deputy's activity)
# ---------------------------------------------------------------------------------------------


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
    public timeline is this table filtered by `public`. What `action` means is the item's
    vocabulary (congress/kit/events.py and each app's events.py). Moved here from proposals
    (issue 14); the table keeps its name, proposals_timelineentry.
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
        db_table = "proposals_timelineentry"
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="timeline_item_at")
        ]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.get_action_display()}"

    @property
    def item_model(self) -> str:
        """ "app_label.modelname" of the item, the key of its vocabulary (content types are cached)."""
        content_type = ContentType.objects.get_for_id(self.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"

    @property
    def event(self) -> TimelineEvent | None:
        return event_for(self.item_model, self.action)

    def get_action_display(self) -> str:
        """The event's label as the back office reads it (立案, 交办 …); an unknown code shows as
        itself."""
        return str(event_label(self.item_model, self.action, staff=True))

    @property
    def label(self) -> str | Promise:
        """The event's label as the public and the deputies read it."""
        return event_label(self.item_model, self.action)


def timeline_write(
    *,
    item,
    action: TimelineEvent | str,
    actor=None,
    actor_label: str = "",
    note: str = "",
    public: bool = True,
    at=None,
) -> TimelineEntry:
    """Record a step; called by services inside their transaction.

    `action`: a member of the item's vocabulary or its stored code (the same string).
    """
    return TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        action=str(action.value if isinstance(action, TimelineEvent) else action),
        actor=actor,
        actor_label=actor_label,
        note=note,
        public=public,
        at=at or timezone.now(),
    )


class Summary(models.Model):
    """One slice of a summary kept up to date on write (congress.kit.summaries): the counts of
    one year that the home page, the statistics pages and the review read instead of
    re-aggregating whole tables on every request.

    `data` is None while the slice is stale (a write in its year committed, or is committing);
    `token` changes with every such mark, so a slice computed from data read before the mark
    is never stored over it.
    """

    name = models.CharField(_("summary name"), max_length=60)
    year = models.PositiveIntegerField(_("year"))
    data = models.JSONField(_("counts"), null=True, blank=True)
    token = models.UUIDField(_("summary version"))
    rules = models.CharField(_("rules fingerprint"), max_length=64, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("summary row")
        verbose_name_plural = _("summary rows")
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="summary_name_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


# The notification layer's records (issue 16): inbox, delivery log, preferences, short links.
from congress.notices.models import (  # noqa: E402, F401
    Delivery,
    Notice,
    NoticePreference,
    NoticeProfile,
    ShortLink,
)
