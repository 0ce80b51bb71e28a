"""Reading an unpublished annual review through its preview address without the right to.

The preview used to open for any staff login, unit clerks included.
"""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import StaffFactory, UnitMembershipFactory, UserFactory
from tests.reviews.conftest import build_year_data, make_review

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "二〇二三年草稿，尚未公开"


@pytest.fixture
def draft(db):
    build_year_data()
    return make_review(year=2023, title=DRAFT_TITLE, published=False)


@pytest.mark.parametrize("who", ["unit clerk", "staff without permissions"])
def test_a_staff_login_without_the_review_permission_cannot_read_the_draft(client, draft, who):
    user = UnitMembershipFactory().user if who == "unit clerk" else UserFactory(is_staff=True)
    client.force_login(user)
    response = client.get("/reviews/2023/preview/")
    assert response.status_code == 404
    assert DRAFT_TITLE not in response.content.decode()


@pytest.mark.parametrize("codename", ["view_annualreview", "change_annualreview"])
def test_staff_who_may_read_reviews_in_the_admin_see_the_preview(client, draft, codename):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    response = client.get("/reviews/2023/preview/")
    assert response.status_code == 200 and DRAFT_TITLE in response.content.decode()
    client.force_login(StaffFactory())
    assert client.get("/reviews/2023/preview/").status_code == 200
