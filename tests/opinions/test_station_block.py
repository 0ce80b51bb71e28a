"""A station page's block of residents' opinions, read from the summary rows: a resident's new
opinion and a closed one count on the next visit."""

import datetime
import re

import pytest
from django.utils import timezone

from proposals.models import Opinion
from tests.factories import OpinionFactory
from tests.opinions.conftest import GOOD

pytestmark = pytest.mark.django_db


def figures(client, station) -> tuple[str, list[str]]:
    """The block's heading and its four figures, as the page shows them."""
    page = client.get(f"/en/stations/{station.pk}/").content.decode()
    section = page[
        page.index('id="opinions-h"') : page.index("</section>", page.index('id="opinions-h"'))
    ]
    heading = section[section.index(">") + 1 : section.index("</h2>")]
    return heading, re.findall(r'<span class="figure">([^<]*)</span>', section)


def test_a_new_opinion_counts_on_the_station_page_at_once(client, station):
    last_year = timezone.localdate().year - 1
    OpinionFactory(
        station=station,
        submitted_at=datetime.datetime(last_year, 6, 1, 1, tzinfo=datetime.UTC),
        closed_at=datetime.datetime(last_year, 6, 9, 1, tzinfo=datetime.UTC),
        status=Opinion.Status.CLOSED,
        rating="satisfied",
    )
    assert figures(client, station) == (
        f"Residents' opinions · {last_year}",
        ["1", "1", "100.0%", "100.0%"],
    )

    response = client.post(f"/opinions/new/?station={station.pk}", GOOD, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302
    assert figures(client, station) == (
        f"Residents' opinions · {timezone.localdate().year}",
        ["1", "0", "0.0%", "—"],
    )


def test_a_station_without_opinions_says_so(client, station):
    OpinionFactory()  # another station's
    page = client.get(f"/en/stations/{station.pk}/").content.decode()
    assert "No opinion has been sent to this station yet." in page
