"""`manage.py load_demo`: the demo congress, its idempotence and its safety catch."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.management import CommandError, call_command

from congress.models import Meeting, Organisation, Session, Town
from deputies.models import Activity, Deputy, DeputyGroup, LiaisonStation, PointRule, Reception

pytestmark = pytest.mark.django_db

TOWNS = [
    "当湖街道",
    "钟埭街道",
    "曹桥街道",
    "乍浦镇",
    "新埭镇",
    "新仓镇",
    "广陈镇",
    "林埭镇",
    "独山港镇",
]
NAMED = {
    "吴金华": "当湖街道",
    "沈永良": "当湖街道",
    "孙建峰": "当湖街道",
    "孙国强": "钟埭街道",
    "朱晓燕": "乍浦镇",
    "张学锋": "新埭镇",
    "徐杰": "新仓镇",
    "蒋云飞": "广陈镇",
    "刘建群": "林埭镇",
    "潘晓": "独山港镇",
    "徐红芳": "独山港镇",
}
ZHOUWEI = "独山港镇周圩人大代表联络站"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def load_demo(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    User = get_user_model()
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in (
            Town,
            Organisation,
            Meeting,
            Session,
            Deputy,
            DeputyGroup,
            LiaisonStation,
            Reception,
            Activity,
            PointRule,
            User,
        )
    } | {
        "station members": sorted(
            LiaisonStation.deputies.through.objects.values_list("liaisonstation_id", "deputy_id")
        ),
        "duties": sorted(
            Reception.deputies.through.objects.values_list("reception_id", "deputy_id")
        ),
        "group members": sorted(
            DeputyGroup.members.through.objects.values_list("deputygroup_id", "deputy_id")
        ),
    }


def test_builds_pinghus_16th_congress(debug):
    output = load_demo()

    assert list(Town.objects.values_list("name", flat=True)) == TOWNS
    assert 270 <= Deputy.objects.filter(term__number=16).count() <= 290
    for name, town in NAMED.items():
        deputy = Deputy.objects.get(name=name)
        assert deputy.delegation.town.name == town, name
        assert deputy.bio
    assert Deputy.objects.values("name").distinct().count() == Deputy.objects.count()
    assert Deputy.objects.filter(status=Deputy.Status.ENDED, ended_on__isnull=False).count() == 1
    for deputy in Deputy.objects.all():
        deputy.full_clean()  # phone, ID number and the rest pass the model's validators

    session = Session.objects.get(term__number=16, number=1)
    assert session.deputies_present >= 251
    assert session.suggestion_deadline.tzinfo is not None
    assert Meeting.objects.filter(kind=Meeting.Kind.STANDING_COMMITTEE).count() >= 6
    office = Organisation.objects.get(name="独山港镇村镇建设管理办公室")
    assert office.parent.town.name == "独山港镇"
    assert Organisation.objects.filter(kind=Organisation.Kind.TOWN, parent=None).count() == 9
    assert PointRule.objects.in_force(datetime.date(2022, 6, 1)).count() == 8

    assert LiaisonStation.objects.filter(name="当湖街道人大代表联络站").exists()
    zhouwei = LiaisonStation.objects.get(name=ZHOUWEI)
    assert {"潘晓", "徐红芳"} <= set(zhouwei.deputies.values_list("name", flat=True))
    assert not Deputy.objects.serving().filter(stations=None).exists()
    assert DeputyGroup.objects.get(name="孙建峰代表小组").leader.name == "孙建峰"

    receptions = Reception.objects.all()
    assert receptions.count() >= 200
    assert all(r.date.year == 2022 and r.notice_date < r.date for r in receptions)
    crack = receptions.get(station=zhouwei, date__month=3, notes__contains="陆老伯")
    assert {"潘晓", "徐红芳"} <= set(crack.deputies.values_list("name", flat=True))
    for reception in receptions.prefetch_related("deputies"):
        for deputy in reception.deputies.all():
            assert deputy.activities.filter(kind="reception", date=reception.date).exists()

    per_deputy = [d.activities.count() for d in Deputy.objects.serving()]
    assert 15 <= sum(per_deputy) / len(per_deputy) <= 30
    assert 0 < Activity.objects.filter(verified=False).count() < 30

    assert Deputy.objects.filter(user=None).count() == 0
    assert get_user_model().objects.get(username="admin").is_superuser
    assert Deputy.objects.get(card_number="PH16-001").user.username == "ph16-001"
    assert "pinghu-demo-2022" in output and "ph16-001" in output


def test_second_run_changes_nothing(debug):
    load_demo()
    before = snapshot()
    phones = dict(Deputy.objects.values_list("card_number", "phone"))
    load_demo()
    assert snapshot() == before
    assert dict(Deputy.objects.values_list("card_number", "phone")) == phones


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        load_demo()
    assert not Deputy.objects.exists()
    assert not get_user_model().objects.exists()

    load_demo(force=True)
    assert Deputy.objects.exists()


def test_demo_password_is_hashed_once_and_shared(debug):
    with mock.patch("deputies.demo.people.make_password", wraps=make_password) as hasher:
        load_demo(password="another-demo-pass")
        assert hasher.call_count == 1
        load_demo(password="another-demo-pass")
        assert hasher.call_count == 1  # the stored hash still fits: nothing to recompute
    hashes = set(get_user_model().objects.values_list("password", flat=True))
    assert len(hashes) == 1
    assert check_password("another-demo-pass", hashes.pop())
