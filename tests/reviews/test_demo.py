import io

import pytest

from congress.models import AnnualReview
from congress.review import demo as review_demo
from congress.review import registry

pytestmark = pytest.mark.django_db


def test_demo_review_is_idempotent_and_renders(client, year_data):
    review = review_demo.load(stdout=io.StringIO())
    first = (review.updated_at, list(review.sections.values_list("updated_at", flat=True)))
    again = review_demo.load(stdout=io.StringIO())
    assert AnnualReview.objects.count() == 1
    assert (again.updated_at, list(again.sections.values_list("updated_at", flat=True))) == first
    assert again.published and again.sections.count() == 8
    keys = {key for section in again.sections.all() for key in section.keys}
    assert not registry.malformed_keys(keys)
    assert {"suggestions.received", "opinions.closure_rate", "major_projects.voted"} <= keys
    assert {"filing.filed", "filing.corrected", "filing.suggestions_received"} <= keys
    response = client.get("/reviews/2022/")
    assert response.status_code == 200
    assert "六码" in response.text
