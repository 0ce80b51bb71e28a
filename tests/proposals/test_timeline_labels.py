"""The steps of the handling loop read as what they are on the public page and in the admin, not
as "已记录" (recorded) or a bare code: a granted extension and a reassignment after a return were
written with codes no label list knew (extension_approved, reassigned)."""

import datetime

import pytest
from django.test import Client

from proposals.handling import services as handling_services
from proposals.models import Suggestion, TimelineEntry
from tests.proposals import helpers

pytestmark = pytest.mark.django_db

ASSIGNED_ON = datetime.date(2022, 3, 18)


@pytest.fixture
def assigned(lead, session, category, staff, unit):
    suggestion = helpers.assigned(
        unit=unit, on=ASSIGNED_ON, lead=lead, session=session, category=category, by=staff
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(is_public=True)
    return suggestion


def public_timeline(suggestion) -> str:
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/suggestions/{suggestion.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    return html[html.index('id="timeline-h"') :]


def test_a_granted_extension_reads_as_more_time_granted_in_public_and_in_the_admin(assigned, staff):
    request = handling_services.extension_request(
        assignment=assigned.assignments.get(),
        reason="需要统筹资金",
        new_due_date=datetime.date(2022, 9, 18),
        by=staff,
    )
    handling_services.extension_decide(request=request, approve=True, by=staff)

    section = public_timeline(assigned)
    assert "已同意延期" in section
    assert "已记录" not in section
    assert "承办单位申请延期" not in section  # the unit's request itself is internal

    admin = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    admin.force_login(staff)
    page = admin.get(f"/admin/proposals/suggestion/{assigned.pk}/change/").content.decode()
    assert "已同意延期" in page and "extension_approved" not in page


def test_a_reassignment_after_a_return_reads_as_sent_back_and_reassigned(
    assigned, staff, other_unit
):
    request = handling_services.return_request(
        assignment=assigned.assignments.get(),
        reason="不属于本单位职责",
        proposed_unit=other_unit,
        on=ASSIGNED_ON,
        by=staff,
    )
    handling_services.return_decide(request=request, approve=True, by=staff, on=ASSIGNED_ON)

    assert TimelineEntry.objects.for_object(assigned).filter(action="reassigned").exists()
    section = public_timeline(assigned)
    assert "已退回并重新交办" in section
    assert "已记录" not in section
