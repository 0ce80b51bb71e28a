"""The deputy's voting pages: who may see them, the ballot, the confirmation and the refusals."""

import pytest
from django.test import Client

from supervision import rules, services
from supervision.models import BallotReceipt, Poll
from tests.factories import StaffFactory, UserFactory
from tests.supervision.ballots import stored_marks

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(make_poll, client):
    from decimal import Decimal

    poll, options, deputies = make_poll(
        options=4, k=2, seats=2, voters=2, amounts={1: Decimal("21500000")}
    )
    voter = deputies[0]
    voter.user = UserFactory()
    voter.save()
    client.force_login(voter.user)
    return poll, options, voter, client


def test_login_is_required(client, make_poll):
    poll, _options, _deputies = make_poll()
    response = client.get(f"/portal/votes/{poll.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_without_a_deputy_get_a_clear_403(client, make_poll):
    poll, _options, _deputies = make_poll()
    client.force_login(StaffFactory())
    for url in ["/portal/votes/", f"/portal/votes/{poll.pk}/"]:
        response = client.get(url)
        assert response.status_code == 403
        assert (
            "deputies" in response.content.decode().lower() or "代表" in response.content.decode()
        )


def test_the_list_shows_open_votes_the_deputy_is_on_the_roll_of(ballot, make_poll):
    poll, _options, _voter, client = ballot
    other, _o, _d = make_poll()  # another roll
    html = client.get("/en/portal/votes/").content.decode()
    assert poll.title in html
    assert f"/portal/votes/{other.pk}/" not in html


def test_a_vote_the_deputy_is_not_on_the_roll_of_is_404(ballot, make_poll):
    _poll, _options, _voter, client = ballot
    other, _o, _d = make_poll()
    assert client.get(f"/portal/votes/{other.pk}/").status_code == 404


def test_the_ballot_shows_each_option_with_its_investment_and_description(ballot):
    poll, options, _voter, client = ballot
    html = client.get(f"/portal/votes/{poll.pk}/").content.decode()
    for option in options:
        assert f'name="option" value="{option.pk}"' in html
        assert option.description in html
    assert "2,150万元" in html
    assert "csrfmiddlewaretoken" in html
    assert "<script" not in html and ' style="' not in html


def test_too_many_marks_are_refused_with_a_message_and_nothing_stored(ballot):
    poll, options, _voter, client = ballot
    response = client.post(f"/en/portal/votes/{poll.pk}/", {"option": [o.pk for o in options[:3]]})
    assert response.status_code == 200
    assert "at most 2 options; you marked 3" in response.content.decode()
    assert not stored_marks()


def test_vote_confirm_cast_and_a_second_attempt_refused(ballot):
    poll, options, voter, client = ballot
    chosen = [options[0].pk, options[2].pk]
    confirm = client.post(f"/en/portal/votes/{poll.pk}/", {"option": chosen})
    html = confirm.content.decode()
    assert "Confirm your ballot" in html and options[0].label in html
    assert not stored_marks()  # the confirmation stores nothing

    done = client.post(f"/en/portal/votes/{poll.pk}/cast/", {"option": chosen})
    assert done.status_code == 302 and done["Location"].endswith(f"/portal/votes/{poll.pk}/done/")
    assert "Your vote is recorded" in client.get(done["Location"]).content.decode()
    assert BallotReceipt.objects.filter(voter=voter).count() == 1
    assert stored_marks()[0] == {str(pk): "yes" for pk in chosen}

    again = client.get(f"/en/portal/votes/{poll.pk}/").content.decode()
    assert "already voted" in again and 'name="option"' not in again
    retry = client.post(f"/en/portal/votes/{poll.pk}/cast/", {"option": chosen}, follow=True)
    assert "already voted" in retry.content.decode()
    assert len(stored_marks()) == 1


def test_change_my_choices_goes_back_to_the_filled_in_ballot(ballot):
    poll, options, _voter, client = ballot
    response = client.post(f"/en/portal/votes/{poll.pk}/", {"option": [options[1].pk], "edit": "1"})
    html = response.content.decode()
    assert f'value="{options[1].pk}" id="option-{options[1].pk}" checked' in html
    assert not stored_marks()


def test_a_closed_vote_refuses(ballot):
    poll, options, _voter, client = ballot
    services.poll_close(poll=poll)
    html = client.get(f"/en/portal/votes/{poll.pk}/").content.decode()
    assert "not open for ballots" in html
    response = client.post(
        f"/en/portal/votes/{poll.pk}/cast/", {"option": [options[0].pk]}, follow=True
    )
    assert "not open for ballots" in response.content.decode()
    assert not stored_marks()


def test_casting_needs_a_csrf_token(ballot):
    poll, options, voter, _client = ballot
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(voter.user)
    response = strict.post(f"/portal/votes/{poll.pk}/cast/", {"option": [options[0].pk]})
    assert response.status_code == 403
    assert not stored_marks()


def test_get_on_the_cast_address_changes_nothing(ballot):
    poll, _options, _voter, client = ballot
    assert client.get(f"/portal/votes/{poll.pk}/cast/").status_code == 405
    assert not stored_marks()


def test_an_evaluation_ballot_has_one_radio_group_per_line(make_poll, client):
    poll, options, deputies = make_poll(
        options=2, kind=Poll.Kind.SATISFACTION, method=rules.Method.EVALUATION, seats=None
    )
    voter = deputies[0]
    voter.user = UserFactory()
    voter.save()
    client.force_login(voter.user)
    html = client.get(f"/en/portal/votes/{poll.pk}/").content.decode()
    assert html.count('type="radio"') == 6
    marks = {f"grade-{options[0].pk}": "satisfied"}
    confirm = client.post(f"/en/portal/votes/{poll.pk}/", marks).content.decode()
    assert "blank (abstention)" in confirm
    client.post(f"/en/portal/votes/{poll.pk}/cast/", marks)
    assert stored_marks()[0] == {str(options[0].pk): "satisfied"}


def test_a_login_without_a_deputy_is_told_what_each_area_is_for(client, make_poll):
    """One `deputy_required` guards the workspace and the voting pages; each refuses in its own
    words: the voting page points staff to the back office's paper tallies."""
    poll, _options, _deputies = make_poll()
    client.force_login(UserFactory())
    voting = client.get(f"/portal/votes/{poll.pk}/")
    workspace = client.get("/portal/")
    assert voting.status_code == workspace.status_code == 403
    assert "supervision/not_a_deputy.html" in [t.name for t in voting.templates]
    assert "portal/not_a_deputy.html" in [t.name for t in workspace.templates]
