"""Every state change of a residents' opinion: one function per workflow transition.

Same rules as proposals/services.py: one transaction, the opinion's row locked, its state checked
(DomainError with a translated sentence), only changed fields saved, a TimelineEntry written and
e-mail sent once the transaction has committed. Permissions and scoping are the caller's job (the
public form, the deputy portal, the admin); `by` is recorded, never trusted.

The resident's name and phone never go into a timeline note, an e-mail or a log line.
"""

import datetime
import io
import logging
import secrets
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from congress.kit import pagecache, workflow
from congress.kit.notify import notify_resident
from congress.kit.phones import validate_phone
from congress.kit.rules import rule
from congress.models import Organisation
from congress.notices import events
from deputies.models import Deputy, LiaisonStation, Reception
from proposals.models import (
    OPINION_CONTENT_MAX,
    OPINION_CONTENT_MIN,
    Assignment,
    Opinion,
    OpinionCategory,
    OpinionChannel,
    OpinionPhoto,
    Rating,
    Reply,
    new_opinion_code,
)
from proposals.opinions import jpeg
from proposals.services import _mail, _mail_on_commit, _refuse, _unit_users
from proposals.suggestions.services import suggestion_create_draft

User = AbstractBaseUser
logger = logging.getLogger(__name__)
ST = Opinion.Status

# Kept photos are scaled down to this many pixels on the long side: plenty to see a crack.
PHOTO_MAX_SIDE = 2560


def _timeline(opinion, action, by=None, *, label="", note="", public=True):
    return workflow.timeline(opinion, action, by, note, public=public, label=label)


def _label_of(opinion: Opinion, deputy: Deputy | None = None) -> str:
    """Who the public timeline names: the deputy, else the station."""
    if deputy is not None:
        return deputy.name
    if opinion.station_id:
        return opinion.station.name
    return opinion.deputy.name if opinion.deputy_id else ""


# -- validation shared with the forms ----------------------------------------------------------


def validate_content(raw: str) -> str:
    content = (raw or "").strip()
    if len(content) < OPINION_CONTENT_MIN:
        raise ValidationError(
            _("Describe the matter in at least %(min)s characters."),
            code="too_short",
            params={"min": OPINION_CONTENT_MIN},
        )
    if len(content) > OPINION_CONTENT_MAX:
        raise ValidationError(
            _("Keep it to %(max)s characters; you wrote %(count)s."),
            code="too_long",
            params={"max": OPINION_CONTENT_MAX, "count": len(content)},
        )
    return content


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo checked by its header: the bytes as sent, re-encoded later (`photo_reencode`)."""

    content: bytes
    extension: str
    width: int
    height: int


def _pixel_limit() -> int:
    return rule("OPINION_PHOTO_MAX_PIXELS")


def clean_photo(file) -> CheckedPhoto:
    """Check a photo by its content, cheaply; ValidationError for anything else.

    The size limit is OPINION_PHOTO_MAX_BYTES. Only JPEG and PNG pass, whatever the file is called.
    Only the header is read (format, width, height) and the file's structure checked: a picture
    above OPINION_PHOTO_MAX_PIXELS is refused before anything is decoded — a 150 KB PNG can
    unpack to 120 MB. Decoding and writing it afresh (which drops EXIF GPS and the rest) is
    background work: `photo_reencode`.
    """
    limit = rule("OPINION_PHOTO_MAX_BYTES")
    size = getattr(file, "size", None)
    if size is None:
        size = len(file.read())
    if size > limit:
        raise ValidationError(
            _("A photo may be at most %(limit)s MB; this one is %(size)s MB."),
            code="too_large",
            params={"limit": f"{limit / 1048576:g}", "size": f"{size / 1048576:.1f}"},
        )
    not_a_photo = ValidationError(_("Send photos as JPEG or PNG pictures."), code="bad_type")
    try:
        file.seek(0)
        with Image.open(file) as image:
            kind = _kind(image)
            if kind not in ("JPEG", "PNG"):
                raise not_a_photo
            _check_pixels(image)
            width, height = image.size
            image.verify()  # chunk structure and checksums; decodes nothing
        file.seek(0)
        content = file.read()
        # Pillow's verify() reads nothing of a JPEG's scans, and the decoder later fills a file
        # cut short with grey (WeasyPrint turns on LOAD_TRUNCATED_IMAGES for the whole process).
        if kind == "JPEG" and not jpeg.is_complete(content):
            raise not_a_photo
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_a_photo from None
    finally:
        file.seek(0)
    return CheckedPhoto(content, "jpg" if kind == "JPEG" else "png", width, height)


def _kind(image) -> str | None:
    """JPEG or PNG (or what else Pillow saw). A phone's photo that holds further pictures (depth,
    HDR: CIPA's multi-picture format, MPF) is a JPEG whose first picture is the photo; Pillow
    calls it MPO. Only that first picture is kept: the others follow its end and are dropped."""
    return "JPEG" if image.format == "MPO" else image.format


def _check_pixels(image) -> None:
    if image.width * image.height > _pixel_limit():
        raise ValidationError(
            _("This picture has too many pixels (at most %(limit)s million). Send a smaller one."),
            code="pixels",
            params={"limit": f"{_pixel_limit() / 1_000_000:g}"},
        )


def reencode_photo(content: bytes) -> CheckedPhoto:
    """Write a checked photo again: upright, at most PHOTO_MAX_SIDE, no metadata.

    A JPEG that needs neither scaling nor turning keeps its image data as it is and loses only
    its metadata segments (`jpeg.strip_metadata`: 14 ms of decoding and encoding a 1600×1200
    photo saved, and no second loss of quality); anything unusual in it takes the decoding path.
    A JPEG is decoded straight at a reduced scale (Pillow's draft mode: 1/2, 1/4 or 1/8) when
    it is much larger than what is kept, so its decoding never needs the full-size bitmap.
    """
    with Image.open(io.BytesIO(content)) as image:
        kind = _kind(image)
        if kind not in ("JPEG", "PNG"):
            raise ValidationError("not a photo", code="bad_type")
        _check_pixels(image)
        if kind == "JPEG" and max(image.size) <= PHOTO_MAX_SIDE:
            # getexif() also reads an orientation given only in XMP, as exif_transpose does.
            if image.getexif().get(0x0112) in (None, 1) and (plain := _stripped_jpeg(content)):
                return plain
        if kind == "JPEG":
            ratio = min(1.0, PHOTO_MAX_SIDE / max(image.size))
            target = (max(1, int(image.width * ratio)), max(1, int(image.height * ratio)))
            image.draft("RGB" if image.mode not in ("L", "RGB") else image.mode, target)
        image.load()
        # In place: a copy of the bitmap (3.4 ms for 1600×1200) only to turn it upright.
        ImageOps.exif_transpose(image, in_place=True)
        upright = image
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    upright.info = {}  # nothing of the original's metadata travels with the copy
    buffer = io.BytesIO()
    if kind == "JPEG":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        # No optimize=True: its extra pass costs more than the encoding itself (10.6 against
        # 4.0 ms for a 1600×1200 photo) for a file 5 % smaller.
        upright.save(buffer, format="JPEG", quality=85)
        extension = "jpg"
    else:
        if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            upright = upright.convert("RGBA")
        upright.save(buffer, format="PNG")
        extension = "png"
    return CheckedPhoto(buffer.getvalue(), extension, upright.width, upright.height)


def _stripped_jpeg(content: bytes) -> CheckedPhoto | None:
    """The JPEG without its metadata, checked to open as the same picture; None if not."""
    stripped = jpeg.strip_metadata(content)
    if stripped is None:
        return None
    data, width, height = stripped
    try:
        with Image.open(io.BytesIO(data)) as check:
            if check.format != "JPEG" or check.size != (width, height):
                return None
            check.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return CheckedPhoto(data, "jpg", width, height)


@task()
def photo_reencode(photo_id: int) -> bool:
    """Background: re-encode one received photo; only then is it shown to deputies and staff.

    A photo that cannot be decoded after all is dropped (its row and file) and the opinion
    keeps its text. Nothing about the resident is logged.
    """
    try:
        row = OpinionPhoto.objects.get(pk=photo_id)
    except OpinionPhoto.DoesNotExist:
        return False
    if row.ready:
        return True
    raw_name = row.image.name
    try:
        with row.image.open("rb") as handle:
            clean = reencode_photo(handle.read())
    except (
        ValidationError,
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        logger.warning("opinion photo %s dropped: %s", photo_id, type(error).__name__)
        row.image.delete(save=False)
        row.delete()
        return False
    row.image.save(f"photo.{clean.extension}", ContentFile(clean.content), save=False)
    row.width, row.height, row.size, row.ready = clean.width, clean.height, len(clean.content), True
    row.save(update_fields=["image", "width", "height", "size", "ready"])
    row.image.storage.delete(raw_name)  # the upload as sent (with its EXIF) is gone
    return True


# -- photos kept between two posts of the form ------------------------------------------------
#
# A form sent back to the resident (a question to answer, a mistake to correct, a refusal) keeps
# what they typed; a browser cannot refill a file field, so the photos they chose wait on the
# server under random names, referenced by a signed token in the form. A token older than
# PENDING_PHOTOS_SECONDS is refused and its files are removed by the next purge.

PENDING_PHOTOS_DIR = "opinions/pending/"
PENDING_PHOTOS_SALT = "proposals.opinion-pending-photos"
PENDING_PHOTOS_SECONDS = 2 * 3600
_last_purge = [0.0]


def pending_photos_keep(photos: list[CheckedPhoto]) -> str:
    """Store checked photos for a later post of the form; returns the token that names them."""
    _pending_photos_purge()
    names = [
        default_storage.save(
            f"{PENDING_PHOTOS_DIR}{secrets.token_hex(16)}.{photo.extension}",
            ContentFile(photo.content),
        )
        for photo in photos
    ]
    return signing.dumps(names, salt=PENDING_PHOTOS_SALT) if names else ""


def _pending_names(token: str) -> list[str]:
    if not token:
        return []
    try:
        names = signing.loads(token, salt=PENDING_PHOTOS_SALT, max_age=PENDING_PHOTOS_SECONDS)
    except signing.BadSignature:
        return []
    if not isinstance(names, list):
        return []
    return [n for n in names if isinstance(n, str) and n.startswith(PENDING_PHOTOS_DIR)]


def pending_photos_count(token: str) -> int:
    return len(_pending_names(token))


def pending_photos_take(token: str) -> list[CheckedPhoto]:
    """The photos a token names, checked again; missing or expired ones are left out."""
    photos = []
    for name in _pending_names(token):
        try:
            with default_storage.open(name, "rb") as handle:
                photos.append(clean_photo(ContentFile(handle.read(), name=name)))
        except (OSError, ValidationError):
            continue
    return photos


def pending_photos_drop(token: str) -> None:
    for name in _pending_names(token):
        default_storage.delete(name)


def _pending_photos_purge() -> None:
    """Remove kept photos nobody came back for (at most once an hour per process)."""
    now = time.monotonic()
    if now - _last_purge[0] < 3600:
        return
    _last_purge[0] = now
    cutoff = timezone.now() - datetime.timedelta(seconds=PENDING_PHOTOS_SECONDS)
    try:
        _dirs, files = default_storage.listdir(PENDING_PHOTOS_DIR)
    except (FileNotFoundError, OSError):
        return
    for name in files:
        path = PENDING_PHOTOS_DIR + name
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, OSError, NotImplementedError):
            continue


def check_photos(files) -> list[CheckedPhoto]:
    """At most OPINION_MAX_PHOTOS photos, each checked (CheckedPhoto objects pass as they are)."""
    files = [f for f in files if f]
    most = rule("OPINION_MAX_PHOTOS")
    if len(files) > most:
        raise ValidationError(
            _("Send at most %(max)s photos."), code="too_many", params={"max": most}
        )
    return [f if isinstance(f, CheckedPhoto) else clean_photo(f) for f in files]


# -- intake --------------------------------------------------------------------------------------


def opinion_submit(
    *,
    source: str,
    category: str,
    content: str,
    station: LiaisonStation | None = None,
    deputy: Deputy | None = None,
    reception: Reception | None = None,
    photos=(),
    name: str = "",
    phone: str = "",
    texts: bool = False,
    consent: bool = False,
    by: User | None = None,
) -> Opinion:
    """A resident's opinion, received through a code or at a reception; returns it with its code.

    `photos` are uploaded files (checked here) or CheckedPhoto objects already checked by a
    form. Each is kept as sent but not shown until `photo_reencode` has written it afresh: the
    task is queued in this transaction (with the database task backend its row commits with
    the opinion; the immediate backend of a debug run and the tests runs it at once).
    """
    if source not in Opinion.Source.values:
        _refuse(_("Unknown source."), code="source")
    if station is None and deputy is None:
        _refuse(_("Say which station or deputy the opinion was sent to."), code="station")
    if category not in OpinionCategory.values:
        _refuse(_("Choose what the opinion is about."), code="category")
    if not consent:
        _refuse(
            _("Please agree that your opinion and details are used to handle it."), code="consent"
        )
    try:
        content = validate_content(content)
        phone = validate_phone(phone)
        cleaned = check_photos(photos)
    except ValidationError as error:
        _refuse(" ".join(error.messages), code=error.code or "invalid")
    if texts and not phone:
        _refuse(_("Give a mobile number to be texted."), code="texts")
    if reception is not None and station is not None and reception.station_id != station.pk:
        _refuse(_("The reception was held at another station."), code="reception")
    name = (name or "").strip()[:30]
    now = timezone.now()
    with transaction.atomic():
        for attempt in range(5):
            try:
                with transaction.atomic():  # a savepoint: a clashing code is drawn again
                    opinion = Opinion.objects.create(
                        code=new_opinion_code(),
                        source=source,
                        station=station,
                        deputy=deputy,
                        reception=reception,
                        category=category,
                        content=content,
                        name=name,
                        phone=phone,
                        texts=bool(texts),
                        consent=True,
                        submitted_at=now,
                    )
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        for photo in cleaned:
            row = OpinionPhoto(
                opinion=opinion,
                width=photo.width,
                height=photo.height,
                size=len(photo.content),
                ready=False,
            )
            row.image.save(f"photo.{photo.extension}", ContentFile(photo.content), save=False)
            row.save()
            photo_reencode.enqueue(row.pk)
        label = deputy.name if source == Opinion.Source.RECEPTION and deputy else ""
        _timeline(opinion, "submitted", by, label=label or _label_of(opinion))
        _notify_deputies(opinion)
    return opinion


def _station_deputy_users(opinion: Opinion):
    deputies = Deputy.objects.filter(
        Q(stations=opinion.station_id) | Q(pk=opinion.deputy_id), user__isnull=False
    ).select_related("user")
    return [d.user for d in deputies]


def _notify_deputies(opinion: Opinion) -> None:
    # The e-mail says where to look, not what the resident wrote or who they are.
    _mail_on_commit(
        subject=_("A resident's opinion %(code)s is waiting") % {"code": opinion.code},
        body=_(
            "A resident sent an opinion (%(category)s). Open “Residents' opinions” in the deputy portal to handle it."
        )
        % {"category": opinion.get_category_display()},
        users=_station_deputy_users(opinion),
    )


# -- routing (deputies of the station, or staff) -------------------------------------------------

ROUTABLE = [ST.SUBMITTED, ST.ACCEPTED]


def _accept_in_place(opinion: Opinion, by, label: str) -> list[str]:
    """Accept a submitted opinion as part of the handling step; returns the fields changed."""
    if opinion.status != ST.SUBMITTED:
        return []
    opinion.accepted_at = timezone.now()
    _timeline(opinion, "accepted", by, label=label)
    return ["accepted_at"]


def opinion_accept(*, opinion: Opinion, by: User, deputy: Deputy | None = None) -> Opinion:
    """Take the opinion up (受理); how it is handled is decided next."""
    with transaction.atomic():
        opinion = workflow.lock(Opinion, opinion.pk)
        opinion.handled_by = deputy or opinion.handled_by
        return workflow.transition(
            opinion,
            ST.ACCEPTED,
            by=by,
            action="accepted",
            label=_label_of(opinion, deputy),
            fields=["handled_by"],
            message=_("Only a new opinion can be accepted; this one is “%(status)s”."),
        )


def opinion_not_accept(
    *, opinion: Opinion, by: User, reason: str, channel: str, deputy: Deputy | None = None
) -> Opinion:
    """Not accepted (不予受理): a matter for the courts, review, arbitration or letters and visits."""
    if channel not in OpinionChannel.values:
        _refuse(_("Say which channel the resident should use."), code="channel")
    if not (reason or "").strip():
        _refuse(_("Explain to the resident why it is not accepted."), code="reason")
    with transaction.atomic():
        opinion = workflow.lock(Opinion, opinion.pk)
        opinion.not_accepted_reason, opinion.channel = reason.strip(), channel
        opinion.handled_by = deputy or opinion.handled_by
        return workflow.transition(
            opinion,
            ST.NOT_ACCEPTED,
            by=by,
            action="not_accepted",
            label=_label_of(opinion, deputy),
            fields=["not_accepted_reason", "channel", "handled_by"],
            message=_("Only a new opinion can be turned down; this one is “%(status)s”."),
        )


def opinion_answer(
    *, opinion: Opinion, by: User, text: str, deputy: Deputy | None = None
) -> Opinion:
    """Answer the resident directly (当场答复): on the spot, or once a suggestion was filed, or
    again after the resident reopened it."""
    if not (text or "").strip():
        _refuse(_("Write the answer to the resident."), code="text")
    with transaction.atomic():
        opinion = workflow.lock(Opinion, opinion.pk)
        message = _("An opinion that is “%(status)s” is not waiting for an answer.")
        workflow.check(opinion, ST.REPLIED, message)
        workflow.require(opinion, "answer", message)  # routed → answered is the unit's reply
        if not answerable_by_deputy(opinion):
            _refuse(_("The handling unit answers this opinion again."), code="unit")
        label = _label_of(opinion, deputy)
        fields = _accept_in_place(opinion, by, label)
        if opinion.status in (ST.SUBMITTED, ST.ACCEPTED):
            opinion.handling = Opinion.Handling.ON_THE_SPOT
            fields.append("handling")
        opinion.answer = text.strip()
        opinion.handled_by = deputy or opinion.handled_by
        workflow.transition(
            opinion,
            ST.REPLIED,
            by=by,
            action="answered",
            label=label,
            fields=[*fields, "answer", "handled_by"],
        )
        _tell_the_resident(opinion)
        return opinion


def answerable_by_deputy(opinion: Opinion) -> bool:
    """A deputy answers an opinion themselves unless a unit handles it: routed, or reopened
    while a unit handles it (the map lets both become "answered": by the unit's reply)."""
    if not opinion.can("answer"):
        return False
    return not (opinion.status == ST.REOPENED and opinion.assignments.filter(active=True).exists())


def opinion_reply_due(on: datetime.date) -> datetime.date:
    return on + datetime.timedelta(days=rule("OPINION_REPLY_DAYS"))


def opinion_route(
    *,
    opinion: Opinion,
    organisation: Organisation,
    by: User,
    deputy: Deputy | None = None,
    on: datetime.date | None = None,
) -> Assignment:
    """Route to a handling unit (转办), with the reply due in OPINION_REPLY_DAYS (15 days)."""
    if not organisation.active:
        _refuse(_("Route to an active handling unit."), code="inactive")
    on = on or timezone.localdate()
    with transaction.atomic():
        opinion = workflow.lock(Opinion, opinion.pk)
        message = _("An opinion that is “%(status)s” cannot be routed.")
        workflow.check(opinion, ST.ROUTED, message)
        # Reopened and sent to another (or the same) unit: the earlier assignment ends.
        opinion.assignments.filter(active=True).update(active=False)
        pagecache.touched("opinions")  # update() sends no signals
        assignment = Assignment.objects.create(
            opinion=opinion,
            organisation=organisation,
            role=Assignment.Role.LEAD,
            assigned_at=on,
            due_date=opinion_reply_due(on),
        )
        label = _label_of(opinion, deputy)
        fields = _accept_in_place(opinion, by, label)
        opinion.handling = Opinion.Handling.UNIT
        opinion.handled_by = deputy or opinion.handled_by
        workflow.transition(
            opinion,
            ST.ROUTED,
            by=by,
            action="routed",
            label=label,
            note=organisation.name,
            fields=[*fields, "handling", "handled_by"],
            notices=[
                _mail(
                    subject=_("Residents' opinion %(code)s routed to you") % {"code": opinion.code},
                    body=_("Please answer it in the back office by %(due)s.")
                    % {"due": date_format(assignment.due_date, "DATE_FORMAT")},
                    users=_unit_users(organisation),
                    event=events.ITEM_ASSIGNED,
                    url=reverse("admin:proposals_opinion_change", args=[opinion.pk]),
                    params={
                        "code": opinion.code,
                        "due": date_format(assignment.due_date, "DATE_FORMAT"),
                    },
                )
            ],
        )
    return assignment


def opinion_reply_record(
    *,
    opinion: Opinion,
    organisation: Organisation,
    text: str,
    by: User,
    replied_on: datetime.date | None = None,
) -> Reply:
    """The handling unit's answer to a routed opinion; the resident is asked to rate it."""
    if not (text or "").strip():
        _refuse(_("Write the reply's text."), code="text")
    with transaction.atomic():
        opinion = workflow.lock(Opinion, opinion.pk)
        message = _("An opinion that is “%(status)s” is not waiting for a unit's reply.")
        workflow.check(opinion, ST.REPLIED, message)
        workflow.require(opinion, "unit_reply", message)  # a deputy answers the others
        if not opinion.assignments.filter(active=True, organisation=organisation).exists():
            _refuse(_("Only the unit the opinion was routed to replies."), code="not_unit")
        now = timezone.now()
        reply = Reply.objects.create(
            opinion=opinion,
            organisation=organisation,
            reply_class="",
            text=text.strip(),
            replied_at=replied_on or timezone.localdate(),
            published_at=now,  # the resident reads it on the tracking page
            recorded_by=by,
        )
        workflow.transition(
            opinion, ST.REPLIED, by=by, action="replied", label=organisation.name, now=now
        )
        _tell_the_resident(opinion)
    return reply


def _tell_the_resident(opinion: Opinion) -> None:
    """A text to the resident that their opinion is answered, if they asked for one (the
    notice layer reads the number when it sends). The link opens the tracking page, which asks
    for the tracking code: the text carries neither the code nor the answer."""
    notify_resident(
        opinion,
        _("Your opinion has been answered"),
        _("Read the answer on the tracking page with your tracking code."),
        event=events.OPINION_ANSWERED,
        url=reverse("opinions:track"),
    )


def opinion_escalate(*, opinion: Opinion, deputy: Deputy, by: User, title: str):
    """Turn the opinion into a suggestion draft in the deputy's portal (linked both ways).

    The draft quotes the resident's words (never their name or phone) and the tracking code.
    """
    title = (title or "").strip()
    if not title:
        _refuse(_("Give the suggestion a title."), code="title")
    with transaction.atomic():
        opinion = workflow.lock(Opinion, opinion.pk)
        message = _("An opinion that is “%(status)s” cannot become a suggestion.")
        workflow.check(opinion, ST.ESCALATED, message)
        body = _("From residents' opinion %(code)s (%(category)s):\n\n%(content)s") % {
            "code": opinion.code,
            "category": opinion.get_category_display(),
            "content": opinion.content,
        }
        suggestion = suggestion_create_draft(lead=deputy, title=title, body=body, by=by)
        label = _label_of(opinion, deputy)
        fields = _accept_in_place(opinion, by, label)
        opinion.suggestion = suggestion
        opinion.handling, opinion.handled_by = Opinion.Handling.SUGGESTION, deputy
        workflow.transition(
            opinion,
            ST.ESCALATED,
            by=by,
            action="escalated",
            label=label,
            fields=[*fields, "suggestion", "handling", "handled_by"],
        )
        workflow.timeline(suggestion, "from_opinion", by, opinion.code, public=False)
    return suggestion


# -- the resident's rating -------------------------------------------------------------------------


def _staff_users():
    perm = Q(user_permissions__codename="handle_opinion") | Q(
        groups__permissions__codename="handle_opinion"
    )
    return get_user_model().objects.filter(Q(is_superuser=True) | perm, is_active=True).distinct()


def opinion_rate(*, opinion: Opinion, rating: str, comment: str = "", by=None) -> Opinion:
    """The resident rates the answer. (Basically) satisfied closes it; unsatisfied reopens it
    once; unsatisfied a second time closes it as unsatisfied and flags it for staff."""
    if rating not in Rating.values:
        _refuse(_("Choose how satisfied you are."), code="rating")
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        opinion = workflow.lock(Opinion, opinion.pk)
        now = timezone.now()
        unsatisfied = rating == Rating.UNSATISFIED
        # Unsatisfied the first time: handled again; else closed (flagged when unsatisfied).
        to = ST.REOPENED if unsatisfied and opinion.reopen_count == 0 else ST.CLOSED
        message = _("An opinion that is “%(status)s” is not waiting for a rating.")
        workflow.check(opinion, to, message)
        opinion.rating, opinion.rating_comment, opinion.rated_at = rating, comment, now
        fields = ["rating", "rating_comment", "rated_at"]
        _timeline(opinion, f"rated_{rating}", by)
        if not unsatisfied:
            action, notices = "closed", []
        elif to == ST.REOPENED:
            opinion.reopen_count = 1
            fields.append("reopen_count")
            unit = opinion.assignments.filter(active=True).select_related("organisation").first()
            action = "reopened"
            notices = [
                _mail(
                    subject=_("Residents' opinion %(code)s reopened") % {"code": opinion.code},
                    body=_(
                        "The resident is not satisfied with the answer. Please handle it again."
                    ),
                    users=_unit_users(unit.organisation)
                    if unit
                    else _station_deputy_users(opinion),
                )
            ]
        else:
            opinion.needs_attention = True
            fields.append("needs_attention")
            action = "closed_unsatisfied"
            notices = [
                _mail(
                    subject=_("Residents' opinion %(code)s closed unsatisfied")
                    % {"code": opinion.code},
                    body=_(
                        "The resident is still not satisfied after the opinion was handled again. Please look into it."
                    ),
                    users=_staff_users(),
                )
            ]
        return workflow.transition(
            opinion,
            to,
            by=by,
            action=action,
            fields=fields,
            now=now,
            notices=notices,
        )


def opinion_close(*, opinion: Opinion, by: User, note: str = "") -> Opinion:
    """Staff close an answered opinion the resident has not rated (e.g. after a reminder)."""
    with transaction.atomic():
        opinion = workflow.lock(Opinion, opinion.pk)
        workflow.transition(
            opinion,
            ST.CLOSED,
            by=by,
            action="closed_unrated",
            message=_("Only an answered opinion can be closed; this one is “%(status)s”."),
        )
        if note:
            _timeline(opinion, "note", by, note=note, public=False)
    return opinion
