"""Every write of the filing register and its reviews.

A review moves one step at a time along FilingReview.TRANSITIONS; `review_advance` is the one
service that changes its status: it locks the review, checks the map and the step's own rule
(findings before a problem is raised, the organ's deadline passed before revocation is proposed,
a conclusion for every ending), records the step with its deadline and saves the fields it changed.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.kit import workflow
from congress.kit.errors import DomainError
from congress.kit.phones import MOBILE_RE, normalise_phone
from congress.kit.rules import rule
from congress.kit.workdays import add_working_days
from congress.models import Organisation
from supervision.filing.models import (
    FilingReview,
    NormativeDocument,
    ReviewFinding,
    ReviewStep,
    ReviewSuggestion,
)

ST = FilingReview.Status
STEP_FOR_STATUS: dict[str, ReviewStep.Kind] = {
    ST.NO_ISSUE: ReviewStep.Kind.NO_ISSUE,
    ST.COMMUNICATING: ReviewStep.Kind.COMMUNICATED,
    ST.INQUIRY: ReviewStep.Kind.INQUIRY_SENT,
    ST.OPINION: ReviewStep.Kind.OPINION_ISSUED,
    ST.CORRECTED: ReviewStep.Kind.CORRECTED,
    ST.REVOCATION: ReviewStep.Kind.REVOCATION_PROPOSED,
    ST.REVOKED: ReviewStep.Kind.REVOKED,
}
# The working days the organ has to answer each step, from CONGRESS_RULES.
DEADLINE_RULE: dict[str, str] = {
    ST.INQUIRY: "FILING_INQUIRY_ANSWER_WORKING_DAYS",
    ST.OPINION: "FILING_CORRECTION_WORKING_DAYS",
}


def document_record(
    *,
    title: str,
    organ: Organisation,
    category: str,
    published_on: datetime.date,
    number: str = "",
    adopted_on: datetime.date | None = None,
    filed_on: datetime.date | None = None,
    file=None,
    by=None,
) -> NormativeDocument:
    """Enter a filing, or a document known to be published and not yet filed (no `filed_on`)."""
    if adopted_on and published_on < adopted_on:
        raise DomainError(_("A document cannot be published before it is adopted."), code="dates")
    if filed_on and filed_on < published_on:
        raise DomainError(_("A document cannot be filed before it is published."), code="dates")
    document = NormativeDocument(
        title=title,
        organ=organ,
        category=category,
        published_on=published_on,
        number=number,
        adopted_on=adopted_on,
        filed_on=filed_on,
    )
    if file:
        document.file = file
    document.full_clean()
    document.save()
    return document


def document_mark_filed(*, document: NormativeDocument, filed_on: datetime.date, by=None):
    """A document on the known-published list has now been filed."""
    with transaction.atomic():
        document = workflow.lock(NormativeDocument, document.pk)
        if document.filed_on:
            raise DomainError(_("This document is already filed."), code="filed")
        if filed_on < document.published_on:
            raise DomainError(_("A document cannot be filed before it is published."), code="dates")
        document.filed_on = filed_on
        document.save(update_fields=["filed_on"])
    return document


def review_start(
    *,
    document: NormativeDocument,
    kind: str,
    started_on: datetime.date,
    requested_by: str = "",
    theme: str = "",
    by=None,
) -> FilingReview:
    with transaction.atomic():
        document = workflow.lock(NormativeDocument, document.pk)
        review_start_check(
            document=document, kind=kind, started_on=started_on, requested_by=requested_by
        )
        review = FilingReview.objects.create(
            document=document,
            kind=kind,
            started_on=started_on,
            requested_by=requested_by,
            theme=theme,
        )
        ReviewStep.objects.create(review=review, kind=ReviewStep.Kind.STARTED, on=started_on, by=by)
    return review


def review_start_check(
    *, document: NormativeDocument, kind: str, started_on: datetime.date, requested_by: str = ""
) -> None:
    """Why a review of this document cannot start now (a DomainError), or nothing."""
    if not document.filed_on:
        raise DomainError(
            _("This document has not been filed: ask the organ to file it first."),
            code="not_filed",
        )
    if started_on < document.filed_on:
        raise DomainError(_("A review cannot start before the document was filed."), code="dates")
    if document.reviews.exclude(status__in=FilingReview.CONCLUDED).exists():
        raise DomainError(
            _("This document is already under review: add to that review instead."),
            code="open_review",
        )
    if kind in (FilingReview.Kind.REQUESTED, FilingReview.Kind.REFERRED) and not requested_by:
        raise DomainError(
            _("Name the organ that requested or referred the review."), code="requested_by"
        )


def review_add_finding(
    *, review: FilingReview, ground: str, explanation: str, articles: str = "", by=None
) -> ReviewFinding:
    with transaction.atomic():
        review = workflow.lock(FilingReview, review.pk)
        if review.concluded:
            raise DomainError(_("This review has ended."), code="concluded")
        if not explanation.strip():
            raise DomainError(_("Explain the finding."), code="explanation")
        return ReviewFinding.objects.create(
            review=review, ground=ground, articles=articles, explanation=explanation
        )


def _last_step_date(review: FilingReview) -> datetime.date:
    last = review.steps.order_by("-on", "-id").first()
    return last.on if last else review.started_on


def review_advance(
    *, review: FilingReview, to: str, on: datetime.date, note: str = "", by=None
) -> FilingReview:
    """Move the review one step along its procedure (see FilingReview.TRANSITIONS)."""
    with transaction.atomic():
        review = workflow.lock(FilingReview, review.pk)
        workflow.check(
            review,
            to,
            _("This review is “%(status)s”: it cannot become “%(target)s”."),
            code="review_state",
        )
        if on < _last_step_date(review):
            raise DomainError(
                _("A step cannot be dated before the review's previous step."), code="dates"
            )
        if to in (ST.COMMUNICATING, ST.OPINION) and not review.findings.exists():
            raise DomainError(
                _("Record the problem found (its ground and articles) before raising it."),
                code="findings",
            )
        if to == ST.REVOCATION and review.due_on and on <= review.due_on:
            raise DomainError(
                _("The organ has until %(date)s to correct the document.")
                % {"date": review.due_on.isoformat()},
                code="too_early",
            )
        if to in FilingReview.CONCLUDED and not note.strip():
            raise DomainError(
                _("Write the conclusion: it is published with the review."), code="conclusion"
            )
        due_on = add_working_days(on, rule(DEADLINE_RULE[to])) if to in DEADLINE_RULE else None
        review.due_on = due_on
        fields = ["due_on"]
        if to in FilingReview.CONCLUDED:
            review.concluded_on = on
            review.conclusion = note.strip()
            fields += ["concluded_on", "conclusion"]
        # The review's own steps (ReviewStep, with their deadlines) are its timeline.
        workflow.transition(review, to, fields=fields, code="review_state")
        ReviewStep.objects.create(
            review=review, kind=STEP_FOR_STATUS[to], on=on, due_on=due_on, note=note, by=by
        )
    return review


def review_record_answer(
    *, review: FilingReview, on: datetime.date, note: str, by=None
) -> FilingReview:
    """The organ answered the written inquiry; the review stays at the inquiry step."""
    with transaction.atomic():
        review = workflow.lock(FilingReview, review.pk)
        if review.status != ST.INQUIRY:
            raise DomainError(_("No written inquiry is waiting for an answer."), code="no_inquiry")
        if on < _last_step_date(review):
            raise DomainError(
                _("A step cannot be dated before the review's previous step."), code="dates"
            )
        if not note.strip():
            raise DomainError(_("Summarise the organ's answer."), code="note")
        review.due_on = None
        review.save(update_fields=["due_on"])
        ReviewStep.objects.create(
            review=review, kind=ReviewStep.Kind.INQUIRY_ANSWERED, on=on, note=note, by=by
        )
    return review


# --- Residents' suggestions that a document be reviewed (审查建议) ------------------------------

GROUNDS_MIN, GROUNDS_MAX = 10, 2000


def review_suggestion_submit(
    *,
    grounds: str,
    consent: bool,
    document: NormativeDocument | None = None,
    document_title: str = "",
    name: str = "",
    phone: str = "",
) -> ReviewSuggestion:
    """A resident's suggestion, from the public form. The answer is due in working days."""
    grounds = grounds.strip()
    document_title = document_title.strip()
    phone = normalise_phone(phone)
    if document is None and not document_title:
        raise DomainError(
            _("Choose the document from the register, or write its title."), code="document"
        )
    if not GROUNDS_MIN <= len(grounds) <= GROUNDS_MAX:
        raise DomainError(
            _("Write why the document should be reviewed, in %(min)s to %(max)s characters.")
            % {"min": GROUNDS_MIN, "max": GROUNDS_MAX},
            code="grounds",
        )
    if phone and not MOBILE_RE.match(phone):
        raise DomainError(
            _("Enter an 11-digit mainland mobile number, such as 13812345678."), code="phone"
        )
    if not consent:
        raise DomainError(
            _("Please agree that the office may use what you send to handle it."), code="consent"
        )
    today = timezone.localdate()
    return ReviewSuggestion.objects.create(
        document=document,
        document_title=document_title,
        grounds=grounds,
        name=name.strip(),
        phone=phone,
        consent=True,
        answer_due=add_working_days(today, rule("FILING_SUGGESTION_ANSWER_WORKING_DAYS")),
    )


def review_suggestion_answer(
    *,
    suggestion: ReviewSuggestion,
    accept: bool,
    answer: str,
    on: datetime.date,
    document: NormativeDocument | None = None,
    by=None,
) -> ReviewSuggestion:
    """The office's answer: accepted for review (a review on suggestion starts, or the suggestion
    joins the document's review under way), or not within remit, with the reasons."""
    with transaction.atomic():
        suggestion = workflow.lock(ReviewSuggestion, suggestion.pk)
        if suggestion.status != ReviewSuggestion.Status.RECEIVED:
            raise DomainError(_("This suggestion has already been answered."), code="answered")
        if not answer.strip():
            raise DomainError(
                _("Write the answer: the sender reads it with their tracking code."), code="answer"
            )
        fields = ["status", "answer", "answered_on"]
        if accept:
            document = document or suggestion.document
            if document is None:
                raise DomainError(
                    _("Choose the document in the register that the suggestion concerns."),
                    code="document",
                )
            document = workflow.lock(NormativeDocument, document.pk)
            open_review = document.reviews.exclude(status__in=FilingReview.CONCLUDED).first()
            if open_review:
                suggestion.status = ReviewSuggestion.Status.MERGED
                suggestion.review = open_review
            else:
                suggestion.review = review_start(
                    document=document, kind=FilingReview.Kind.SUGGESTED, started_on=on, by=by
                )
                suggestion.status = ReviewSuggestion.Status.ACCEPTED
            suggestion.document = document
            fields += ["review", "document"]
        else:
            suggestion.status = ReviewSuggestion.Status.NOT_IN_REMIT
        suggestion.answer = answer.strip()
        suggestion.answered_on = on
        suggestion.save(update_fields=fields)
    return suggestion
