"""Deputy.town_order, the copy of the delegation's town's order the directory sorts by, stays in
step with every way a clerk or a script writes deputies, delegations and towns."""

import datetime
import re

import pytest

from congress.models import Town
from deputies.models import Deputy
from deputies.resources import DeputyResource
from tests.deputies.test_import_export import HEADERS, deputy_row, xlsx
from tests.factories import DelegationFactory, DeputyFactory, TermFactory, TownFactory

pytestmark = pytest.mark.django_db

CARD = re.compile(r'<li class="card"><h2><a href="/deputies/(\d+)/">')


@pytest.fixture
def towns():
    term = TermFactory(start_date=datetime.date(2022, 1, 1), end_date=None)
    danghu = DelegationFactory(term=term, town=TownFactory(name="当湖街道", order=1))
    zhapu = DelegationFactory(term=term, town=TownFactory(name="乍浦镇", order=2))
    return term, danghu, zhapu


def assert_in_step(client):
    """Every deputy's copy equals its delegation's town's order, and the directory's pages list
    the deputies in Deputy.Meta.ordering (the town's order, the name, the id), read through the
    join, not through the copy."""
    rows = Deputy.objects.values_list("town_order", "delegation__town__order")
    assert [copy for copy, _ in rows] == [order for _, order in rows]
    shown = [
        int(pk)
        for page in (1, 2)
        for pk in CARD.findall(client.get("/deputies/", {"page": page}).content.decode())
    ]
    assert shown == list(Deputy.objects.values_list("id", flat=True))


def test_new_deputies_take_their_towns_order(client, towns):
    term, danghu, zhapu = towns
    DeputyFactory(term=term, delegation=zhapu, name="甲")
    DeputyFactory(term=term, delegation=danghu, name="乙")
    assert sorted(Deputy.objects.values_list("town_order", flat=True)) == [1, 2]
    assert_in_step(client)


def test_a_value_given_for_the_copy_is_overwritten(towns):
    term, danghu, _ = towns
    deputy = DeputyFactory(term=term, delegation=danghu, town_order=7)
    deputy.town_order = 9
    deputy.save()
    assert Deputy.objects.get().town_order == 1


def test_reordering_towns_in_the_admin_reorders_the_directory(staff_client, towns):
    term, danghu, zhapu = towns
    for i in range(15):
        DeputyFactory(term=term, delegation=danghu, name=f"当湖代表{i}")
        DeputyFactory(term=term, delegation=zhapu, name=f"乍浦代表{i}")
    town = zhapu.town

    response = staff_client.post(
        f"/admin/congress/town/{town.pk}/change/",
        {"name": town.name, "kind": town.kind, "order": 0},
    )

    assert response.status_code == 302
    assert set(Deputy.objects.filter(delegation=zhapu).values_list("town_order", flat=True)) == {0}
    assert_in_step(staff_client)
    first = CARD.findall(staff_client.get("/deputies/").content.decode())[0]
    assert Deputy.objects.get(pk=first).delegation == zhapu


def test_moving_a_delegation_to_another_town_in_the_admin_moves_its_deputies(staff_client, towns):
    term, danghu, zhapu = towns
    DeputyFactory.create_batch(3, term=term, delegation=danghu)
    DeputyFactory.create_batch(3, term=term, delegation=zhapu)
    new_town = TownFactory(name="独山港镇", order=9)

    response = staff_client.post(
        f"/admin/deputies/delegation/{danghu.pk}/change/",
        {"term": term.pk, "town": new_town.pk, "name": danghu.name},
    )

    assert response.status_code == 302
    assert set(Deputy.objects.filter(delegation=danghu).values_list("town_order", flat=True)) == {9}
    assert_in_step(staff_client)


def test_moving_a_deputy_to_another_delegation_in_the_admin(staff_client, towns):
    term, danghu, zhapu = towns
    deputy = DeputyFactory(term=term, delegation=zhapu, name="张三")
    DeputyFactory.create_batch(3, term=term, delegation=danghu)
    data = {
        "term": term.pk,
        "card_number": deputy.card_number,
        "name": deputy.name,
        "gender": deputy.gender,
        "ethnicity": deputy.ethnicity,
        "party": deputy.party,
        "occupation": deputy.occupation,
        "delegation": danghu.pk,
        "constituency": "",
        "bio": "",
        "status": Deputy.Status.SERVING,
        "ended_on": "",
        "user": "",
        "phone": deputy.phone,
        "id_number": deputy.id_number,
        "birth_date": "1980-01-01",
    }

    response = staff_client.post(f"/admin/deputies/deputy/{deputy.pk}/change/", data)

    assert response.status_code == 302
    assert Deputy.objects.get(pk=deputy.pk).town_order == 1
    assert_in_step(staff_client)


def test_an_import_keeps_the_copy_for_new_and_moved_deputies(client, towns):
    term, danghu, zhapu = towns
    first = [HEADERS, deputy_row("P001", "张三", delegation="乍浦镇代表团", groups=""),
             deputy_row("P002", "李四", delegation="当湖街道代表团", groups="")]  # fmt: skip
    result = DeputyResource().import_data(xlsx(first))
    assert not result.has_errors() and not result.has_validation_errors()
    assert_in_step(client)

    moved = [HEADERS, deputy_row("P001", "张三", delegation="当湖街道代表团", groups=""),
             deputy_row("P002", "李四", delegation="乍浦镇代表团", groups="")]  # fmt: skip
    result = DeputyResource().import_data(xlsx(moved))

    assert result.totals["update"] == 2
    assert dict(Deputy.objects.values_list("card_number", "town_order")) == {"P001": 1, "P002": 2}
    assert_in_step(client)


def test_bulk_writes_keep_the_copy(client, towns):
    """As tests/perf/scale_data.py and the benchmarks write: bulk_create, QuerySet.update()."""
    term, danghu, zhapu = towns
    Deputy.objects.bulk_create(
        Deputy(term=term, delegation=d, card_number=f"B{i}", name=f"代表{i}", gender="M")
        for i, d in enumerate([danghu, zhapu] * 15)
    )
    assert_in_step(client)

    Deputy.objects.filter(delegation=zhapu).update(delegation=danghu)
    Town.objects.filter(pk=danghu.town_id).update(order=5)

    assert set(Deputy.objects.values_list("town_order", flat=True)) == {5}
    assert_in_step(client)
