"""Supervision items, review opinions and their handling reports; projects and their votes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from congress.kit.errors import DomainError
from proposals.models import TimelineEntry
from supervision import services
from supervision.models import (
    LivelihoodProject,
    MajorProject,
    Poll,
    ProjectApproval,
    ReviewOpinion,
    SupervisionItem,
    validate_pdf,
)
from tests.factories import (
    LivelihoodProjectFactory,
    MajorProjectFactory,
    MeetingFactory,
    SupervisionItemFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def item():
    return SupervisionItemFactory(meeting=MeetingFactory(date=D(2022, 6, 28)))


def test_review_opinion_report_falls_due_two_months_after_issue(item):
    opinion = services.review_opinion_issue(item=item, text="请整改", issued_on=D(2022, 7, 5))
    assert opinion.report_due == D(2022, 9, 5)
    assert TimelineEntry.objects.for_object(item).filter(action="review_opinion_issued").exists()


def test_the_due_date_follows_the_setting_and_short_months(item, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "REVIEW_OPINION_REPORT_MONTHS": 1}
    opinion = services.review_opinion_issue(item=item, text="请整改", issued_on=D(2023, 1, 31))
    assert opinion.report_due == D(2023, 2, 28)


def test_opinions_cannot_precede_the_meeting(item):
    with pytest.raises(DomainError):
        services.review_opinion_issue(item=item, text="请整改", issued_on=D(2022, 6, 1))
    assert not ReviewOpinion.objects.exists()


def test_overdue_opinions_are_those_past_due_without_a_report(item):
    late = services.review_opinion_issue(item=item, text="一", issued_on=D(2022, 7, 1))
    answered = services.review_opinion_issue(item=item, text="二", issued_on=D(2022, 7, 1))
    recent = services.review_opinion_issue(item=item, text="三", issued_on=D(2022, 11, 1))
    services.rectification_report_receive(
        opinion=answered, received_on=D(2022, 12, 1), text="已整改"
    )
    on = D(2022, 12, 15)
    assert list(ReviewOpinion.objects.overdue(on=on)) == [late]
    assert recent not in ReviewOpinion.objects.overdue(on=on)
    report = answered.reports.get()
    assert not report.on_time  # due 2022-09-01, received 2022-12-01


def test_a_handling_report_needs_text_or_a_file_and_a_sensible_date(item):
    opinion = services.review_opinion_issue(item=item, text="一", issued_on=D(2022, 7, 1))
    with pytest.raises(DomainError):
        services.rectification_report_receive(opinion=opinion, received_on=D(2022, 8, 1))
    with pytest.raises(DomainError):
        services.rectification_report_receive(
            opinion=opinion, received_on=D(2022, 6, 30), text="已整改"
        )
    assert not opinion.reports.exists()


def test_publishing_an_item_twice_is_refused():
    item = SupervisionItemFactory(is_public=False)
    services.supervision_item_publish(item=item)
    with pytest.raises(DomainError):
        services.supervision_item_publish(item=item)


def test_debt_amount_belongs_to_debt_items_only():
    meeting = MeetingFactory()
    SupervisionItem.objects.create(
        meeting=meeting, kind="debt", title="新增债务", debt_amount=Decimal("2557000000")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionItem.objects.create(
            meeting=meeting, kind="audit", title="审计整改", debt_amount=Decimal("1")
        )


def test_appointee_reports_name_their_appointee():
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionItem.objects.create(meeting=MeetingFactory(), kind="appointee", title="履职报告")


class TestPdfValidation:
    def test_a_real_pdf_passes(self):
        validate_pdf(SimpleUploadedFile("r.pdf", b"%PDF-1.7\n...", content_type="application/pdf"))

    def test_a_renamed_file_is_refused_by_its_content(self):
        with pytest.raises(ValidationError) as error:
            validate_pdf(SimpleUploadedFile("r.pdf", b"PK\x03\x04zip"))
        assert error.value.code == "not_pdf"

    def test_a_file_above_the_limit_is_refused(self, settings):
        settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "SUPERVISION_DOCUMENT_MAX_BYTES": 10}
        with pytest.raises(ValidationError) as error:
            validate_pdf(SimpleUploadedFile("r.pdf", b"%PDF-1.7 and more than ten bytes"))
        assert error.value.code == "too_large"


def approve_all(project):
    for step, day in zip(
        ProjectApproval.Step.values,
        [D(2021, 12, 20), D(2021, 12, 28), D(2022, 1, 6), D(2022, 1, 20)],
        strict=True,
    ):
        services.project_approval_record(project=project, step=step, decided_on=day)


class TestApprovalChain:
    def test_steps_are_recorded_in_order(self):
        project = LivelihoodProjectFactory()
        with pytest.raises(DomainError) as error:
            services.project_approval_record(
                project=project, step="chairs", decided_on=D(2021, 12, 28)
            )
        assert error.value.code == "step_out_of_order"
        services.project_approval_record(
            project=project, step="executive", decided_on=D(2021, 12, 20)
        )
        with pytest.raises(DomainError) as error:
            services.project_approval_record(
                project=project, step="chairs", decided_on=D(2021, 12, 1)
            )
        assert error.value.code == "step_date"
        with pytest.raises(DomainError):
            services.project_approval_record(
                project=project, step="executive", decided_on=D(2021, 12, 20)
            )


def window():
    now = timezone.now()
    return {
        "opens_at": now - datetime.timedelta(hours=1),
        "closes_at": now + datetime.timedelta(hours=1),
    }


def test_the_session_ballot_lists_the_approved_candidates_and_records_the_selection(make_poll):
    projects = LivelihoodProjectFactory.create_batch(3)
    for project in projects[:3]:
        approve_all(project)
    LivelihoodProjectFactory()  # not approved by the standing committee: not on the ballot
    poll = services.livelihood_ballot_create(
        year=2022, title="票决", max_choices=2, seats=2, **window()
    )
    assert poll.kind == Poll.Kind.PROJECT_BALLOT and poll.options.count() == 3
    option = {o.label: o for o in poll.options.all()}
    _p, _o, voters = make_poll(open_it=False, voters=3)
    services.poll_open(poll=poll, voters=voters)
    for voter in voters:
        services.ballot_cast(
            poll=poll,
            voter=voter,
            option_ids=[option[projects[0].title].pk, option[projects[1].title].pk],
        )
    services.poll_close(poll=poll)
    changed = services.livelihood_selection_record(poll=poll)
    assert len(changed) == 3
    statuses = dict(LivelihoodProject.objects.values_list("title", "status"))
    assert statuses[projects[0].title] == "selected"
    assert statuses[projects[2].title] == "not_selected"


def test_a_ballot_needs_more_candidates_than_places():
    approve_all(LivelihoodProjectFactory())
    with pytest.raises(DomainError) as error:
        services.livelihood_ballot_create(
            year=2022, title="票决", max_choices=1, seats=1, **window()
        )
    assert error.value.code == "not_competitive"


def test_major_projects_above_the_threshold_go_to_an_approval_vote():
    big = MajorProjectFactory(investment=Decimal("420000000"))
    MajorProjectFactory(investment=Decimal("200000000"))  # exactly 2 亿元: not above
    MajorProjectFactory(investment=Decimal("95000000"))
    poll = services.major_project_poll_create(year=2022, title="重大项目票决", **window())
    assert poll.kind == Poll.Kind.APPROVAL and poll.method == "approval"
    assert list(poll.options.values_list("label", flat=True)) == [big.name]
    big.refresh_from_db()
    assert big.approval_option.poll == poll
    with pytest.raises(DomainError):
        services.major_project_poll_create(year=2022, title="再来一次", **window())
    assert MajorProject.objects.needing_vote().count() == 1
