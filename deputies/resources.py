"""Spreadsheet import and export of deputies and liaison stations (see congress.kit.importing)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.kit.importing import (
    ChoiceWidget,
    Column,
    DateWidget,
    ImportFileError,
    LookupWidget,
    ManyLookupWidget,
    SheetResource,
    id_number_problem,
    normalise_id_number,
    normalise_name,
    normalise_party,
    normalise_phone,
)
from congress.models import Term, Town
from deputies.models import Delegation, Deputy, DeputyGroup, LiaisonStation

PUBLIC_COLUMNS = (
    "card_number",
    "name",
    "gender",
    "ethnicity",
    "party",
    "occupation",
    "delegation",
    "constituency",
    "groups",
    "status",
    "ended_on",
    "bio",
)
PRIVATE_COLUMNS = ("phone", "id_number", "birth_date")


class PublicDeputyResource(SheetResource):
    """Deputies with their public fields only: what a public export page may offer."""

    card_number = Column("card_number", "代表证号")
    name = Column("name", "姓名", normalise=normalise_name)
    gender = Column(
        "gender",
        "性别",
        ChoiceWidget(Deputy.Gender, {"男": "M", "女": "F", "男性": "M", "女性": "F"}),
    )
    ethnicity = Column("ethnicity", "民族")
    party = Column("party", "党派", normalise=normalise_party)
    occupation = Column("occupation", "职务")
    # New deputies belong to the current term (see init_instance), so that is where their
    # delegation and groups are looked up; an existing deputy keeps the term it has.
    delegation = Column("delegation", "代表团", LookupWidget(Delegation, scope="term"))
    constituency = Column("constituency", "选区")
    groups = Column("groups", "代表小组", ManyLookupWidget(DeputyGroup, scope="term"))
    status = Column(
        "status", "状态", ChoiceWidget(Deputy.Status, {"在任": "serving", "终止": "ended"})
    )
    ended_on = Column("ended_on", "终止日期", DateWidget())
    bio = Column("bio", "简介")

    class Meta:
        model = Deputy
        name = gettext_lazy("Deputies: public fields only")
        fields = PUBLIC_COLUMNS
        import_id_fields = ("card_number",)
        # 2,000 rows must import in seconds: rows are written in batches (see SheetResource),
        # and each batch's objects let go once written.
        use_bulk = True
        batch_size = 1000

    def before_import(self, dataset, **kwargs):
        self.term = Term.objects.current()
        super().before_import(dataset, **kwargs)
        if self.term is None:
            raise ImportFileError(_("There is no term yet: add one before importing deputies."))

    def init_instance(self, row=None):
        return Deputy(term=self.term)

    def filter_export(self, queryset, **kwargs):
        # Never read the private columns, even into memory.
        return super().filter_export(queryset, **kwargs).only(*Deputy.PUBLIC_FIELDS)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # The model's check constraint says the same without naming a column.
        if "status" not in errors and "ended_on" not in errors:
            ended = instance.status == Deputy.Status.ENDED
            if ended and not instance.ended_on:
                errors["ended_on"] = [_("Give the date the mandate ended.")]
            elif instance.ended_on and not ended:
                errors["ended_on"] = [_("Leave this empty for a serving deputy.")]
        if errors:
            raise ValidationError(errors)


class DeputyResource(PublicDeputyResource):
    """Deputies with every field, private ones included: staff only, through the admin."""

    phone = Column("phone", "手机", normalise=normalise_phone)
    id_number = Column("id_number", "身份证号", normalise=normalise_id_number)
    birth_date = Column("birth_date", "出生日期", DateWidget())

    class Meta:
        model = Deputy
        name = gettext_lazy("Deputies: all fields, private ones included")
        fields = PUBLIC_COLUMNS + PRIVATE_COLUMNS
        import_id_fields = ("card_number",)
        use_bulk = True
        batch_size = 1000

    def filter_export(self, queryset, **kwargs):
        return self.with_relations(queryset)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Whose each ID number is: one person is one deputy of a term, whatever card number a
        # file gives (a deputy re-elected has a new card in the next term).
        self._id_holders = dict(
            Deputy.objects.filter(term=self.term)
            .exclude(id_number="")
            .values_list("id_number", "card_number")
        )
        self._ids_seen = {}

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "id_number" not in errors and instance.id_number:
            self._check_id_number(instance, errors)
        if errors:
            raise ValidationError(errors)

    def _check_id_number(self, instance, errors):
        number = instance.id_number
        problem, born = id_number_problem(number)
        if problem:
            errors["id_number"] = [ValidationError(problem, code="id_number")]
            return
        if "birth_date" not in errors:
            if instance.birth_date is None:
                instance.birth_date = born
                self.note_normalised("出生日期", "", born.isoformat())
            elif instance.birth_date != born:
                errors["birth_date"] = [
                    ValidationError(
                        _("The ID number says this person was born on %(born)s.")
                        % {"born": born.isoformat()},
                        code="id_birth",
                    )
                ]
        if number in self._ids_seen:
            errors["id_number"] = [
                ValidationError(
                    _("The same ID number is already in row %(first)s: one person is one deputy.")
                    % {"first": self._ids_seen[number]},
                    code="id_repeated",
                )
            ]
            return
        self._ids_seen[number] = self.where()
        holder = self._id_holders.get(number)
        if holder is not None and holder != instance.card_number:
            errors["id_number"] = [
                ValidationError(
                    _(
                        "This ID number belongs to the deputy with card number %(card)s already: "
                        "one person is one deputy. Correct the number, or use that card number."
                    )
                    % {"card": holder},
                    code="id_held",
                )
            ]


class LiaisonStationResource(SheetResource):
    name = Column("name", "名称")
    town = Column("town", "镇街道", LookupWidget(Town))
    tier = Column("tier", "层级", ChoiceWidget(LiaisonStation.Tier))
    address = Column("address", "地址")
    opening_hours = Column("opening_hours", "开放时间")
    phone = Column("phone", "电话")
    # Names are not unique among deputies: a card number can stand in for an ambiguous one.
    deputies = Column(
        "deputies",
        "驻站代表",
        ManyLookupWidget(
            Deputy,
            fields=("name", "card_number"),
            queryset=lambda: Deputy.objects.filter(term=Term.objects.current()),
        ),
    )
    description = Column("description", "简介")

    class Meta:
        model = LiaisonStation
        fields = (
            "name",
            "town",
            "tier",
            "address",
            "opening_hours",
            "phone",
            "deputies",
            "description",
        )
        import_id_fields = ("name",)
