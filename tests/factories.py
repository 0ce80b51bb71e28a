"""factory_boy factories shared by every test module."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from congress.models import Category, Meeting, Organisation, Session, Term, Town
from deputies.models import (
    Activity,
    ActivityKind,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonStation,
    PointRule,
    Reception,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("number",)

    number = 16
    start_date = datetime.date(2022, 1, 1)
    end_date = datetime.date(2026, 12, 31)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    start_date = datetime.date(2022, 2, 14)
    end_date = datetime.date(2022, 2, 18)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    term = factory.SubFactory(TermFactory)
    kind = Meeting.Kind.STANDING_COMMITTEE
    number = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2022, 3, 30)


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试镇{n}")
    kind = Town.Kind.TOWN
    order = factory.Sequence(lambda n: n)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"市测试局{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"类别{n}")


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation
        django_get_or_create = ("term", "town")

    term = factory.SubFactory(TermFactory)
    town = factory.SubFactory(TownFactory)
    name = factory.LazyAttribute(lambda o: f"{o.town.name}代表团")


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    term = factory.SubFactory(TermFactory)
    card_number = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = Deputy.Gender.FEMALE
    party = "中共党员"
    occupation = "测试单位职员"
    delegation = factory.SubFactory(DelegationFactory, term=factory.SelfAttribute("..term"))
    phone = "13912345678"
    id_number = "33048219800101123X"
    birth_date = datetime.date(1980, 1, 1)


class DeputyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"第{n}代表小组")
    kind = DeputyGroup.Kind.CONSTITUENCY


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonStation

    name = factory.Sequence(lambda n: f"测试人大代表联络站{n}")
    town = factory.SubFactory(TownFactory)
    address = "测试路1号"
    opening_hours = "每周一 9:00–11:30"


class ReceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reception

    station = factory.SubFactory(StationFactory)
    date = datetime.date(2022, 3, 15)
    notice_date = datetime.date(2022, 3, 12)
    residents_received = 5


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    deputy = factory.SubFactory(DeputyFactory)
    kind = ActivityKind.INSPECTION
    title = "视察民生实事项目"
    date = datetime.date(2022, 5, 10)
    hours = Decimal("3.0")
    verified = True


class PointRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointRule

    kind = ActivityKind.INSPECTION
    points = Decimal("3")
    valid_from = datetime.date(2022, 1, 1)


# -- proposals (suggestions and motions) --------------------------------------------------------

from proposals.models import (  # noqa: E402
    Assignment,
    Motion,
    Reply,
    Signature,
    Suggestion,
    UnitMembership,
)


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A draft by default; pass status= and the milestone fields for later states."""

    class Meta:
        model = Suggestion

    lead = factory.SubFactory(DeputyFactory)
    term = factory.SelfAttribute("lead.term")
    session = factory.SubFactory(SessionFactory, term=factory.SelfAttribute("..term"))
    year = 2022
    title = factory.Sequence(lambda n: f"关于加强第{n}项民生工作的建议")
    body = "建议内容：事实、分析和具体建议。"
    category = factory.SubFactory(CategoryFactory, term=factory.SelfAttribute("..term"))


class MotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Motion

    lead = factory.SubFactory(DeputyFactory)
    term = factory.SelfAttribute("lead.term")
    session = factory.SubFactory(SessionFactory, term=factory.SelfAttribute("..term"))
    title = factory.Sequence(lambda n: f"关于推进第{n}项重点工作的议案")
    reason = "案由"
    grounds = "案据"
    proposal = "方案"


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    suggestion = factory.SubFactory(SuggestionFactory)
    deputy = factory.SubFactory(DeputyFactory)
    status = Signature.Status.CONFIRMED
    responded_at = factory.LazyFunction(
        lambda: datetime.datetime(2022, 2, 15, 9, tzinfo=datetime.UTC)
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    suggestion = factory.SubFactory(SuggestionFactory, status=Suggestion.Status.ASSIGNED)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Assignment.Role.LEAD
    assigned_at = datetime.date(2022, 3, 18)
    due_date = datetime.date(2022, 6, 18)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    suggestion = factory.SubFactory(SuggestionFactory, status=Suggestion.Status.REPLIED)
    organisation = factory.SubFactory(OrganisationFactory)
    reply_class = "A"
    letter_number = factory.Sequence(lambda n: f"平建函〔2022〕{n}号")
    text = "经研究，已列入年度计划并组织实施。"
    replied_at = datetime.date(2022, 6, 10)


class UnitMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    organisation = factory.SubFactory(OrganisationFactory)


# --- supervision ---------------------------------------------------------------------------

from django.utils import timezone  # noqa: E402

from supervision.models import (  # noqa: E402
    Inspection,
    LivelihoodProject,
    MajorProject,
    Milestone,
    Poll,
    PollOption,
    SupervisionItem,
)


class SupervisionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionItem

    meeting = factory.SubFactory(MeetingFactory)
    kind = SupervisionItem.Kind.WORK_REPORT
    title = factory.Sequence(lambda n: f"关于测试工作情况的报告{n}")
    is_public = True


class PollFactory(factory.django.DjangoModelFactory):
    """A draft pick-K poll whose window is open now; add options with PollOptionFactory."""

    class Meta:
        model = Poll

    kind = Poll.Kind.PROJECT_BALLOT
    method = "choose"
    title = factory.Sequence(lambda n: f"测试票决{n}")
    max_choices = 2
    seats = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=1))


class PollOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PollOption

    poll = factory.SubFactory(PollFactory)
    label = factory.Sequence(lambda n: f"候选项目{n}")
    order = factory.Sequence(lambda n: n)


class LivelihoodProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LivelihoodProject

    year = 2022
    title = factory.Sequence(lambda n: f"民生实事项目{n}")
    description = "测试项目说明"
    investment = Decimal("21500000.00")
    owner = factory.SubFactory(OrganisationFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(LivelihoodProjectFactory)
    title = factory.Sequence(lambda n: f"节点{n}")
    due_on = datetime.date(2022, 6, 30)


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    project = factory.SubFactory(LivelihoodProjectFactory)
    group = factory.SubFactory(DeputyGroupFactory)
    date = datetime.date(2022, 6, 15)
    notes = "实地查看项目进展"


class MajorProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MajorProject

    year = 2022
    name = factory.Sequence(lambda n: f"重大项目{n}")
    investment = Decimal("250000000.00")


# --- residents' opinions -------------------------------------------------------------------

from proposals.models import Opinion, OpinionCategory  # noqa: E402


class OpinionFactory(factory.django.DjangoModelFactory):
    """A submitted opinion at a station, written directly (services are tested on their own)."""

    class Meta:
        model = Opinion

    source = Opinion.Source.STATION_QR
    station = factory.SubFactory(StationFactory)
    category = OpinionCategory.ROADS
    content = factory.Sequence(lambda n: f"小区门口第{n}盏路灯坏了，晚上出行不方便，请尽快修复。")
    consent = True
    submitted_at = factory.LazyFunction(
        lambda: datetime.datetime(2022, 3, 15, 10, tzinfo=datetime.UTC)
    )
