"""Spreadsheet import and export of suggestions with their co-signers, assignments and replies.

Built on congress.kit.importing: Chinese headers, lookups read once per file, every bad cell reported
with its row, column and value, one bad row rolls the whole file back, formulas neutralised on
export. One row is one suggestion; its co-signers, handling units and (first) reply are columns
of that row and are written in bulk once every row has been read.

An import records history (a past year's register), so it writes rows directly instead of walking
each item through the services; a timeline entry "imported" marks each new item. Re-importing an
item (same 编号) replaces its co-signers, assignments and replies, and with them any feedback.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.widgets import IntegerWidget

from congress.kit.importing import (
    ChoiceWidget,
    Column,
    DateWidget,
    ImportFileError,
    LookupWidget,
    ManyLookupWidget,
    SheetResource,
    YesNoWidget,
    _text,
    escape_formula,
    fast_bulk_create,
)
from congress.models import Category, Organisation, Session, Term
from deputies.models import Deputy
from proposals.events import SuggestionEvent
from proposals.handling.services import reply_due
from proposals.models import (
    Assignment,
    Reply,
    Signature,
    Suggestion,
    TimelineEntry,
    reply_class_choices,
)

CODE = re.compile(
    r"(?P<term>[一二三四五六七八九十]+)届(?:(?P<session>[一二三四五六七八九十]+)次会议|闭会期间)第(?P<number>\d+)号"
)
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}

# Columns that are not fields of Suggestion: read in import_instance, written in after_import.
COSIGNERS, LEAD_UNIT, CO_UNITS, ASSIGNED_ON = "附议代表", "主办单位", "协办单位", "交办日期"
REPLY_CLASS, LETTER, REPLY_TEXT, REPLIED_ON = "答复类别", "答复文号", "答复内容", "答复日期"


def parse_chinese_numeral(text: str) -> int:
    """一 → 1, 十 → 10, 十六 → 16, 二十一 → 21 (what terms and sessions need)."""
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else -1
    tens, _sep, units = text.partition("十")
    return (_DIGITS.get(tens, -1) if tens else 1) * 10 + (_DIGITS.get(units, -1) if units else 0)


class SuggestionResource(SheetResource):
    code = Column("code", "编号")
    year = Column("year", "年度", IntegerWidget())
    title = Column("title", "标题")
    category = Column("category", "类别", LookupWidget(Category, scope="term"))
    lead = Column(
        "lead", "领衔代表", LookupWidget(Deputy, fields=("name", "card_number"), scope="term")
    )
    cosigners = Column(None, COSIGNERS)
    status = Column(
        "status", "状态", ChoiceWidget(Suggestion.Status, {"办结": "closed", "已答复": "replied"})
    )
    is_public = Column("is_public", "公开", YesNoWidget())
    key_supervision = Column("key_supervision", "重点督办", YesNoWidget())
    key_leader = Column("key_leader", "督办领导")
    lead_unit = Column(None, LEAD_UNIT)
    co_units = Column(None, CO_UNITS)
    assigned_on = Column(None, ASSIGNED_ON)
    reply_class = Column(None, REPLY_CLASS)
    letter_number = Column(None, LETTER)
    replied_on = Column(None, REPLIED_ON)
    reply_text = Column(None, REPLY_TEXT)
    body = Column("body", "内容")

    class Meta:
        model = Suggestion
        name = gettext_lazy("Suggestions with their units and replies")
        fields = (
            "code",
            "year",
            "title",
            "category",
            "lead",
            "cosigners",
            "status",
            "is_public",
            "key_supervision",
            "key_leader",
            "lead_unit",
            "co_units",
            "assigned_on",
            "reply_class",
            "letter_number",
            "replied_on",
            "reply_text",
            "body",
        )
        import_id_fields = ("code",)
        use_bulk = True
        batch_size = 1000

    # -- import -----------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._imported = []  # keys of the items written
        self._rows = ([], [], [])  # signatures, assignments, replies to write (see `written`)
        self._now = timezone.now()
        self.terms = {t.number: t for t in Term.objects.all()}
        self.sessions = {
            (s.term.number, s.number): s for s in Session.objects.select_related("term")
        }
        self.units = LookupWidget(Organisation, fields=("name", "short_name"))
        self.deputies = ManyLookupWidget(Deputy, fields=("name", "card_number"), scope="term")
        self.date = DateWidget()
        self.classes = {code: code for code, _label in reply_class_choices()}
        if not self.terms:
            raise ImportFileError(_("There is no term yet: add one before importing suggestions."))

    def written(self, instances):
        # Each batch of items, just written: their co-signers, assignments and replies kept as
        # the plain rows after_import writes, and the items let go.
        super().written(instances)
        now = self._now
        confirmed = Signature.Status.CONFIRMED
        lead_role, co_role = Assignment.Role.LEAD, Assignment.Role.CO
        signatures, assignments, replies = self._rows
        for item in instances:
            links, item._links = item._links, None
            self._imported.append(item.pk)
            signatures += [
                (item.pk, deputy.pk, confirmed, now, now) for deputy in links["cosigners"]
            ]
            lead_unit = links["lead_unit"]
            if lead_unit:
                on = links["assigned_on"]
                due = _due(on)
                active = item.status != Suggestion.Status.WITHDRAWN
                assignments.append((item.pk, lead_unit.pk, lead_role, on, due, active))
                assignments += [
                    (item.pk, unit_pk, co_role, on, due, active)
                    for unit_pk in dict.fromkeys(unit.pk for unit in links["co_units"])
                    if unit_pk != lead_unit.pk
                ]
            if links["reply_text"]:
                replies.append(
                    (
                        item.pk,
                        lead_unit.pk,
                        links["reply_class"],
                        links["letter_number"],
                        links["reply_text"],
                        links["replied_on"],
                        now,
                    )
                )

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        # The code first: it gives the term, which scopes the deputy and category lookups.
        try:
            self._place(instance, _text(row.get("编号")))
        except ValidationError as error:
            errors["code"] = error
        if errors:
            raise ValidationError(errors)
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance._links = self._links(instance, row, errors)
        if errors:
            raise ValidationError(errors)

    def _place(self, instance, code: str) -> None:
        match = CODE.fullmatch(code)
        if not match:
            raise ValidationError(
                _("Write the number as 十六届一次会议第001号 or 十六届闭会期间第001号."),
                code="invalid",
            )
        term = self.terms.get(parse_chinese_numeral(match["term"]))
        if term is None:
            raise ValidationError(_("There is no such term."), code="invalid")
        session = None
        if match["session"]:
            session = self.sessions.get((term.number, parse_chinese_numeral(match["session"])))
            if session is None:
                raise ValidationError(_("There is no such session."), code="invalid")
        instance.term, instance.session, instance.number = term, session, int(match["number"])
        if session is not None:
            instance.year = session.start_date.year

    def _cell(self, row, header, errors, clean):
        text = _text(row.get(header))
        if not text:
            return None
        try:
            return clean(text)
        except ValidationError as error:
            errors[header] = error
        except ValueError as error:
            errors[header] = ValidationError(str(error), code="invalid")
        return None

    def _reply_class(self, text):
        if text.upper() not in self.classes:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": "/".join(self.classes)})
        return text.upper()

    def _links(self, instance, row, errors) -> dict:
        links = {
            "cosigners": self._cell(
                row, COSIGNERS, errors, lambda v: self.deputies.clean(v, target=instance)
            )
            or [],
            "lead_unit": self._cell(row, LEAD_UNIT, errors, self.units.clean),
            "co_units": self._cell(
                row,
                CO_UNITS,
                errors,
                lambda v: [
                    self.units.clean(n) for n in ManyLookupWidget.SEPARATORS.split(v) if n.strip()
                ],
            )
            or [],
            "assigned_on": self._cell(row, ASSIGNED_ON, errors, self.date.clean),
            "reply_class": self._cell(row, REPLY_CLASS, errors, self._reply_class),
            "letter_number": _text(row.get(LETTER)),
            "replied_on": self._cell(row, REPLIED_ON, errors, self.date.clean),
            "reply_text": _text(row.get(REPLY_TEXT)),
        }
        if instance.lead_id and any(d.pk == instance.lead_id for d in links["cosigners"]):
            errors[COSIGNERS] = ValidationError(_("The lead deputy is not also a co-signer."))
        if links["lead_unit"] and not links["assigned_on"] and ASSIGNED_ON not in errors:
            errors[ASSIGNED_ON] = ValidationError(_("Give the date the item was assigned."))
        if links["reply_text"] and not links["lead_unit"] and LEAD_UNIT not in errors:
            errors[LEAD_UNIT] = ValidationError(_("A reply needs the lead unit that wrote it."))
        has_reply = links["reply_text"] or links["reply_class"] or links["replied_on"]
        if has_reply and not (links["reply_text"] and links["reply_class"] and links["replied_on"]):
            errors.setdefault(
                REPLY_TEXT,
                ValidationError(_("A reply needs its class, its date and its text.")),
            )
        if not instance.status or instance.status == Suggestion.Status.DRAFT:
            instance.status = (
                Suggestion.Status.REPLIED
                if has_reply
                else Suggestion.Status.ASSIGNED
                if links["lead_unit"]
                else Suggestion.Status.REGISTERED
            )
        if (
            instance.status in (Suggestion.Status.REPLIED, Suggestion.Status.CLOSED)
            and not has_reply
        ):
            errors.setdefault(
                "status", ValidationError(_("An answered item needs its reply in this row."))
            )
        if instance.key_supervision and not instance.key_leader:
            errors.setdefault("key_leader", ValidationError(_("Name the supervising leader.")))
        return links

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        ids, (signatures, assignments, replies) = self._imported, self._rows
        self._imported, self._rows = [], ([], [], [])
        if result.has_errors() or result.has_validation_errors() or not ids:
            return
        content_type = ContentType.objects.get_for_model(Suggestion)
        existing = set(
            TimelineEntry.objects.filter(content_type=content_type, object_id__in=ids).values_list(
                "object_id", flat=True
            )
        )
        # Re-imported items: their relations are replaced by the file's.
        Signature.objects.filter(suggestion_id__in=ids).delete()
        Reply.objects.filter(suggestion_id__in=ids).delete()
        Assignment.objects.filter(suggestion_id__in=ids).delete()
        # Plain values, not model objects: tens of thousands of rows that are only written.
        fast_bulk_create(
            Signature,
            signatures,
            fields=("suggestion_id", "deputy_id", "status", "requested_at", "responded_at"),
        )
        fast_bulk_create(
            Assignment,
            assignments,
            fields=(
                "suggestion_id",
                "organisation_id",
                "role",
                "assigned_at",
                "due_date",
                "active",
            ),
        )
        fast_bulk_create(
            Reply,
            replies,
            fields=("suggestion_id", "organisation_id", "reply_class", "letter_number", "text",
                    "replied_at", "recorded_at"),
        )  # fmt: skip
        fast_bulk_create(
            TimelineEntry,
            [
                (content_type.pk, pk, SuggestionEvent.IMPORTED.value, self._now, False)
                for pk in ids
                if pk not in existing
            ],
            fields=("content_type_id", "object_id", "action", "at", "public"),
        )

    # -- export -----------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("lead", "category", "term", "session")
            .prefetch_related("signatures__deputy", "assignments__organisation", "replies")
        )

    @staticmethod
    def _lead_assignment(item):
        return next(
            (a for a in item.assignments.all() if a.role == Assignment.Role.LEAD and a.active), None
        )

    @staticmethod
    def _first_reply(item):
        replies = [r for r in item.replies.all() if not r.is_followup]
        return replies[0] if replies else None

    def dehydrate_cosigners(self, item):
        return escape_formula(
            "、".join(
                s.deputy.name
                for s in item.signatures.all()
                if s.status == Signature.Status.CONFIRMED
            )
        )

    def dehydrate_lead_unit(self, item):
        lead = self._lead_assignment(item)
        return escape_formula(lead.organisation.name) if lead else ""

    def dehydrate_co_units(self, item):
        return escape_formula(
            "、".join(
                a.organisation.name
                for a in item.assignments.all()
                if a.active and a.role == Assignment.Role.CO
            )
        )

    def dehydrate_assigned_on(self, item):
        lead = self._lead_assignment(item)
        return lead.assigned_at.isoformat() if lead else ""

    def dehydrate_reply_class(self, item):
        reply = self._first_reply(item)
        return reply.reply_class if reply else ""

    def dehydrate_letter_number(self, item):
        reply = self._first_reply(item)
        return escape_formula(reply.letter_number) if reply else ""

    def dehydrate_replied_on(self, item):
        reply = self._first_reply(item)
        return reply.replied_at.isoformat() if reply else ""

    def dehydrate_reply_text(self, item):
        reply = self._first_reply(item)
        return escape_formula(reply.text) if reply else ""


def _due(on):
    return reply_due(on)
