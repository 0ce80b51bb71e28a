"""Motions: the joint-signer rule, the deadline, review outcomes, resolution and inspection."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.test import override_settings
from django.utils import timezone

from congress.kit.errors import DomainError
from proposals import services
from proposals.models import Motion, Signature, Suggestion
from proposals.motions import services as motion_services

pytestmark = pytest.mark.django_db
M = Motion.Status


@pytest.fixture
def motion(lead, session, staff):
    return motion_services.motion_create_draft(
        lead=lead,
        session=session,
        title="关于加快推进“扩中”“提低”行动，勇当共同富裕新崛起典范的议案",
        reason="案由",
        grounds="案据",
        proposal="方案",
        by=staff,
    )


def sign(motion, deputies, staff):
    for deputy in deputies:
        signature = services.signature_request(item=motion, deputy=deputy, by=staff)
        services.signature_confirm(signature=signature, by=deputy.user)


def assert_refused(call, obj, match):
    obj.refresh_from_db()
    before = model_to_dict(obj)
    with pytest.raises(DomainError, match=match):
        call()
    obj.refresh_from_db()
    assert model_to_dict(obj) == before


def test_nine_signers_with_the_lead_are_one_short(motion, make_deputy, staff):
    sign(motion, [make_deputy() for _ in range(8)], staff)
    assert motion_services.motion_signer_count(motion) == 9
    assert_refused(
        lambda: motion_services.motion_submit(motion=motion, by=staff),
        motion,
        "at least 10 deputies jointly, the lead included; 9 have signed",
    )
    sign(motion, [make_deputy()], staff)
    motion_services.motion_submit(motion=motion, by=staff)
    motion.refresh_from_db()
    assert motion.status == M.SUBMITTED and motion.code == "十六届一次会议议案第01号"


def test_declined_and_unanswered_signatures_do_not_count(motion, make_deputy, staff):
    sign(motion, [make_deputy() for _ in range(8)], staff)
    declined = services.signature_request(item=motion, deputy=make_deputy(), by=staff)
    services.signature_decline(signature=declined, by=staff)
    services.signature_request(item=motion, deputy=make_deputy(), by=staff)
    with pytest.raises(DomainError, match="9 have signed"):
        motion_services.motion_submit(motion=motion, by=staff)


@override_settings(
    CONGRESS_RULES={
        **__import__("django.conf").conf.settings.CONGRESS_RULES,
        "MOTION_MIN_SIGNERS": 5,
    }
)
def test_the_signer_threshold_is_a_setting(motion, make_deputy, staff):
    sign(motion, [make_deputy() for _ in range(4)], staff)
    motion_services.motion_submit(motion=motion, by=staff)
    assert Motion.objects.get().status == M.SUBMITTED


def test_motion_after_the_deadline_is_refused(motion, make_deputy, staff, session):
    sign(motion, [make_deputy() for _ in range(9)], staff)
    session.motion_deadline = timezone.now() - datetime.timedelta(seconds=1)
    session.save()
    assert_refused(
        lambda: motion_services.motion_submit(motion=motion, by=staff),
        motion,
        "deadline for motions",
    )


def test_motion_needs_reason_grounds_and_proposal(motion, make_deputy, staff):
    motion_services.motion_update_draft(motion=motion, grounds="", by=staff)
    sign(motion, [make_deputy() for _ in range(9)], staff)
    with pytest.raises(DomainError, match="Fill in the grounds"):
        motion_services.motion_submit(motion=motion, by=staff)


@pytest.fixture
def submitted(motion, make_deputy, staff):
    sign(motion, [make_deputy() for _ in range(22)], staff)
    return motion_services.motion_submit(motion=motion, by=staff)


def test_listed_resolution_inspection_close(submitted, staff):
    motion = submitted
    assert_refused(
        lambda: motion_services.motion_record_resolution(
            motion=motion, text="决议", adopted_on=datetime.date(2022, 4, 27), by=staff
        ),
        motion,
        "on a listed motion",
    )
    motion_services.motion_list(motion=motion, by=staff)
    assert_refused(
        lambda: motion_services.motion_record_inspection(
            motion=motion, on=datetime.date(2022, 12, 1), title="督查", by=staff
        ),
        motion,
        "Inspections follow a resolution",
    )
    motion_services.motion_record_progress(
        motion=motion, on=datetime.date(2022, 4, 1), text="印发行动方案", by=staff
    )
    motion_services.motion_record_resolution(
        motion=motion,
        text="关于议案处理意见的决议",
        adopted_on=datetime.date(2022, 4, 27),
        by=staff,
    )
    inspection = motion_services.motion_record_inspection(
        motion=motion, on=datetime.date(2022, 12, 1), title="决议落实督查会", by=staff
    )
    motion_services.motion_close(motion=motion, by=staff)
    motion.refresh_from_db()
    assert motion.status == M.CLOSED and motion.review_outcome == Motion.Outcome.LISTED
    assert inspection.motion == motion and motion.progress_reports.count() == 1
    assert motion_services.motion_signer_count(motion) == 23


def test_not_listed_then_converted_keeps_every_signer(submitted, staff):
    motion_services.motion_not_list(motion=submitted, note="建议作为代表建议办理", by=staff)
    suggestion = motion_services.motion_convert_to_suggestion(motion=submitted, by=staff)
    submitted.refresh_from_db()
    assert submitted.status == M.CONVERTED and submitted.review_outcome == "converted"
    assert suggestion.status == Suggestion.Status.SUBMITTED and suggestion.from_motion == submitted
    assert suggestion.signatures.filter(status=Signature.Status.CONFIRMED).count() == 22
    assert len(suggestion.signers()) == 23
    with pytest.raises(DomainError, match="can become a suggestion"):
        motion_services.motion_convert_to_suggestion(motion=submitted, by=staff)


def test_withdraw(submitted, staff):
    motion_services.motion_withdraw(motion=submitted, by=staff)
    submitted.refresh_from_db()
    assert submitted.review_outcome == Motion.Outcome.WITHDRAWN
    assert_refused(
        lambda: motion_services.motion_list(motion=submitted, by=staff),
        submitted,
        "Only a submitted motion can be listed",
    )
