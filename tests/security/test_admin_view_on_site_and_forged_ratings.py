"""Staff logins collecting residents' tracking codes, and forging a resident's rating.

The admin's "view on site" shortcut (/admin/r/<content type>/<id>/) used to redirect any staff
login to any object's URL — for an opinion, its tracking page, whose address is the resident's
secret code. And the tracking page's rating form used to accept a rating from anyone holding the
code, a logged-in clerk included.

(Staff and clerks are logged in with force_login: /admin/login/ is fixed in another issue.)
"""

import pytest
from django.contrib.contenttypes.models import ContentType

from proposals.models import Opinion, Suggestion, TimelineEntry
from proposals.opinions import services as opinion_services
from tests.factories import (
    OpinionFactory,
    OrganisationFactory,
    StaffFactory,
    SuggestionFactory,
    UnitMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def shortcut(model, pk):
    # As the admin builds it: the content type of the model itself, proxies included.
    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    return f"/admin/r/{ct.pk}/{pk}/"


@pytest.fixture
def opinions(db):
    return OpinionFactory.create_batch(12)


@pytest.mark.parametrize(
    "who",
    ["clerk", "staff without permissions", "superuser"],
)
def test_enumerating_opinion_ids_through_view_on_site_yields_no_tracking_code(
    client, opinions, who
):
    user = {
        "clerk": lambda: UnitMembershipFactory().user,
        "staff without permissions": lambda: UserFactory(is_staff=True),
        "superuser": StaffFactory,
    }[who]()
    client.force_login(user)
    # The opinions' ids and a few around them (PostgreSQL does not restart ids between tests,
    # so start from the first one rather than from 1: the walk stays under the rate limit).
    first, last = min(o.pk for o in opinions), max(o.pk for o in opinions)
    codes = {o.code for o in opinions}
    for pk in range(max(first - 2, 1), last + 3):
        response = client.get(shortcut(Opinion, pk))
        assert response.status_code == 404
        assert not any(code in response.get("Location", "") for code in codes)
        assert not any(code in response.content.decode() for code in codes)


def test_view_on_site_only_leads_to_what_the_user_may_view_in_the_admin(client):
    suggestion = SuggestionFactory(status=Suggestion.Status.REGISTERED)
    # A staff login with no permission, and a clerk of a unit the item is not assigned to.
    for user in (UserFactory(is_staff=True), UnitMembershipFactory().user):
        client.force_login(user)
        assert client.get(shortcut(Suggestion, suggestion.pk)).status_code == 404
    client.force_login(StaffFactory())
    response = client.get(shortcut(Suggestion, suggestion.pk))
    assert response.status_code == 302
    assert response["Location"] == suggestion.get_absolute_url()
    # A draft is in no admin list, so no shortcut leads to it either.
    draft = SuggestionFactory()
    assert client.get(shortcut(Suggestion, draft.pk)).status_code == 404
    # Junk in the address is a 404, never an error page.
    for junk in ("x", "999999"):
        assert client.get(f"/admin/r/{junk}/1/").status_code == 404
        assert client.get(shortcut(Suggestion, junk)).status_code == 404


def test_view_on_site_needs_a_staff_login(client):
    suggestion = SuggestionFactory(status=Suggestion.Status.REGISTERED)
    response = client.get(shortcut(Suggestion, suggestion.pk))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_view_on_site_is_rate_limited_per_user_with_a_chinese_page(client, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "VIEW_ON_SITE_RATE_PER_USER": 3}
    suggestion = SuggestionFactory(status=Suggestion.Status.REGISTERED)
    client.force_login(StaffFactory())
    for _ in range(3):
        assert client.get(shortcut(Suggestion, suggestion.pk)).status_code == 302
    refused = client.get(shortcut(Suggestion, suggestion.pk))
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "请求过于频繁" in refused.content.decode()
    # Another user is not held up.
    client.force_login(StaffFactory())
    assert client.get(shortcut(Suggestion, suggestion.pk)).status_code == 302


@pytest.fixture
def replied_elsewhere(db):
    """A replied opinion routed to a unit the clerk below does not belong to."""
    opinion = OpinionFactory()
    unit = OrganisationFactory()
    staff = StaffFactory()
    opinion_services.opinion_route(opinion=opinion, organisation=unit, by=staff)
    opinion_services.opinion_reply_record(
        opinion=opinion, organisation=unit, text="已安排维修。", by=staff
    )
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.REPLIED
    return opinion


@pytest.mark.parametrize("who", ["clerk", "superuser"])
def test_a_signed_in_clerk_or_staff_cannot_rate_for_the_resident(client, replied_elsewhere, who):
    user = UnitMembershipFactory().user if who == "clerk" else StaffFactory()
    client.force_login(user)
    url = f"/opinions/track/{replied_elsewhere.code}/"
    page = client.get(url).content.decode()
    assert 'name="rating"' not in page
    entries = TimelineEntry.objects.count()
    response = client.post(url, {"rating": "satisfied", "comment": "很满意"})
    assert response.status_code == 403
    assert "只有提出意见的群众本人才能评价" in response.content.decode()
    replied_elsewhere.refresh_from_db()
    assert replied_elsewhere.status == Opinion.Status.REPLIED and not replied_elsewhere.rating
    assert TimelineEntry.objects.count() == entries


def test_the_resident_still_rates_from_an_anonymous_session(client, replied_elsewhere):
    url = f"/opinions/track/{replied_elsewhere.code}/"
    assert client.post(url, {"rating": "satisfied"}).status_code == 302
    replied_elsewhere.refresh_from_db()
    assert replied_elsewhere.status == Opinion.Status.CLOSED
