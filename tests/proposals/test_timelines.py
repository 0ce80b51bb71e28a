"""Every timeline says what happened (a labelled event), by whom (a role or a unit) and when
(Asia/Shanghai, 2022年6月18日 14:05), on the public page and in the deputy's workspace."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from proposals import services
from proposals.models import TimelineEntry
from proposals.suggestions import services as suggestion_services

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def submitted(lead, category, session, make_deputy):
    wang = make_deputy("王芳")
    item = suggestion_services.suggestion_create_draft(
        lead=lead,
        title="关于路灯的建议",
        body="正文",
        category=category,
        session=session,
        by=lead.user,
    )
    signature = services.signature_request(item=item, deputy=wang, by=lead.user)
    services.signature_confirm(signature=signature, by=wang.user)
    suggestion_services.suggestion_submit(suggestion=item, by=lead.user)
    # 06:05 UTC is 14:05 in Shanghai.
    TimelineEntry.objects.filter(action="submitted").update(
        at=datetime.datetime(2022, 6, 18, 6, 5, tzinfo=datetime.UTC)
    )
    return item, wang


def test_the_workspace_timeline_labels_each_step_with_who_and_when(lead, submitted):
    item, wang = submitted
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(lead.user)
    page = client.get(f"/portal/suggestions/{item.pk}/").content.decode()
    section = page[page.index('id="timeline-h"') :]
    assert "2022年6月18日 14:05" in section
    assert "提交" in section and "邀请代表附议" in section and "确认附议" in section
    assert "徐杰" in section and "王芳" in section
    assert wang.phone not in page and lead.user.email not in page


def test_the_public_timeline_uses_the_same_labels_and_hides_the_drafting(submitted, staff):
    item, _ = submitted
    suggestion_services.suggestion_register(suggestion=item, by=staff)
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/suggestions/{item.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    section = html[html.index('id="timeline-h"') :]
    assert "2022年6月18日 14:05" in section and "提交" in section
    assert "登记立案" in section and "人大常委会办公室" in section  # staff shown as the office
    assert "邀请代表附议" not in section  # a drafting step, for the signers only
    assert staff.username not in section
