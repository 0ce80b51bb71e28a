import datetime

import pytest
from django.utils import timezone, translation

from supervision import rules, services
from supervision.models import Poll
from tests.factories import DeputyFactory, TermFactory


@pytest.fixture
def make_poll(db):
    """An open poll with `options` options and a roll of `voters` new deputies."""

    def make(
        *,
        options=3,
        k=2,
        seats=2,
        voters=3,
        kind=Poll.Kind.PROJECT_BALLOT,
        method=rules.Method.CHOOSE,
        base=rules.Base.ELIGIBLE,
        majority=rules.Majority.MORE_THAN_HALF,
        open_it=True,
        amounts=None,
    ):
        now = timezone.now()
        poll = services.poll_create(
            kind=kind,
            title="2022年民生实事项目票决",
            options=[
                {
                    "label": f"候选项目{i}",
                    "description": f"项目{i}的说明",
                    "amount": (amounts or {}).get(i),
                }
                for i in range(1, options + 1)
            ],
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(hours=1),
            method=method,
            max_choices=k if method == rules.Method.CHOOSE else None,
            seats=seats,
            base=base,
            majority=majority,
        )
        term = TermFactory()
        deputies = DeputyFactory.create_batch(voters, term=term)
        if open_it:
            poll = services.poll_open(poll=poll, voters=deputies)
        return poll, list(poll.options.order_by("order", "id")), deputies

    return make


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the source language; pages pick their own language."""
    with translation.override("en"):
        yield
