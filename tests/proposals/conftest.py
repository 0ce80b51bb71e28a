import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    CategoryFactory,
    DeputyFactory,
    OrganisationFactory,
    SessionFactory,
    StaffFactory,
    TermFactory,
    UserFactory,
)


@pytest.fixture
def staff(db):
    return StaffFactory(username="office", email="office@example.cn")


@pytest.fixture
def term(db):
    return TermFactory()


@pytest.fixture
def session(term):
    return SessionFactory(
        term=term,
        number=1,
        suggestion_deadline=timezone.now() + datetime.timedelta(days=1),
        motion_deadline=timezone.now() + datetime.timedelta(days=1),
    )


@pytest.fixture
def category(term):
    return CategoryFactory(term=term, name="城乡建设")


@pytest.fixture
def make_deputy(term):
    def make(name=None):
        deputy = DeputyFactory(term=term, **({"name": name} if name else {}))
        deputy.user = UserFactory(email=f"{deputy.card_number.lower()}@example.cn")
        deputy.save(update_fields=["user"])
        return deputy

    return make


@pytest.fixture
def lead(make_deputy):
    return make_deputy("徐杰")


@pytest.fixture
def unit(db):
    return OrganisationFactory(name="市交通运输局")


@pytest.fixture
def other_unit(db):
    return OrganisationFactory(name="市住房和城乡建设局")


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text, whatever the .mo holds."""
    from django.utils import translation

    with translation.override("en"):
        yield
