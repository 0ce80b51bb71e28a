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
