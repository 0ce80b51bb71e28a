"""A mail server that is down never loses a reply: the step is committed, the failure logged."""

import smtplib
from unittest import mock

import pytest

from congress.models import Delivery
from proposals.models import Reply, Suggestion
from tests.proposals import helpers

pytestmark = pytest.mark.django_db(transaction=True)


def test_reply_survives_a_failing_mail_server(staff, session, category, lead, unit, caplog):
    lead.user.email = "xujie@example.cn"
    lead.user.save()
    with mock.patch(
        "congress.kit.notify.send_mail", side_effect=smtplib.SMTPServerDisconnected("relay down")
    ) as send:
        suggestion, reply = helpers.replied(
            unit=unit, lead=lead, session=session, category=category, by=staff
        )
    assert send.called  # the reply did try to tell the deputy
    assert Reply.objects.filter(pk=reply.pk).exists()
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.REPLIED
    # Logged by channel and ids, the failure's kind in the delivery log; no address anywhere.
    assert "channel=email" in caplog.text and "xujie@example.cn" not in caplog.text
    mails = Delivery.objects.filter(notice__user=lead.user, channel="email")
    assert {(d.status, d.error) for d in mails} == {("failed", "SMTPServerDisconnected")}
