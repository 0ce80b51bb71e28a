"""A mail server that is down never loses a reply: the step is committed, the failure logged."""

import smtplib
from unittest import mock

import pytest

from proposals.models import Reply, Suggestion
from tests.proposals import helpers

pytestmark = pytest.mark.django_db(transaction=True)


def test_reply_survives_a_failing_mail_server(staff, session, category, lead, unit, caplog):
    lead.user.email = "xujie@example.cn"
    lead.user.save()
    with mock.patch(
        "proposals.services.send_mail", side_effect=smtplib.SMTPServerDisconnected("relay down")
    ) as send:
        suggestion, reply = helpers.replied(
            unit=unit, lead=lead, session=session, category=category, by=staff
        )
    assert send.called  # the reply did try to tell the deputy
    assert Reply.objects.filter(pk=reply.pk).exists()
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.REPLIED
    assert "relay down" in caplog.text
