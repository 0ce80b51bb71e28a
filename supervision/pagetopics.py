"""Which cached pages a write of supervision and project rows drops (congress.kit.pagecache).

"supervision": the list and every item's page; "projects": the project years and every
year's page; "reviews:<year>": that year's review.
"""

from congress.kit.pagecache import review_years, topics
from supervision.budget.models import (
    BudgetSnapshot,
    BudgetTotal,
    BudgetWarning,
    DebtLine,
    ExecutionLine,
    FunctionalLine,
    ReserveLine,
    SanGongLine,
    TransferLine,
    WarningRule,
)
from supervision.budget.session import AnswerAssessment, BudgetQuestion, DraftBudgetLine
from supervision.filing.models import (
    FilingReview,
    NormativeDocument,
    ReviewFinding,
    ReviewStep,
    ReviewSuggestion,
)
from supervision.models import (
    Appointee,
    Ballot,
    BallotReceipt,
    Inspection,
    InspectionPhoto,
    LivelihoodProject,
    MajorProject,
    Milestone,
    PaperTally,
    PaperTallyCount,
    Poll,
    PollOption,
    PollVoter,
    ProjectApproval,
    ProjectIdea,
    RectificationReport,
    Result,
    ReviewOpinion,
    SealedBallot,
    SupervisionDocument,
    SupervisionItem,
    UnitEvaluation,
)

for model in (SupervisionItem, SupervisionDocument, ReviewOpinion, RectificationReport, Appointee):
    topics.register(model, "supervision", row=lambda row: review_years())

# Polls decide both a supervised item's satisfaction and the livelihood projects.
topics.register(Poll, "supervision", "projects", row=lambda poll: review_years(poll.opens_at))
topics.register(PollOption, "supervision", "projects")
# A unit's satisfaction poll shows on the units' scorecards (congress.kit.unitparts).
topics.register(UnitEvaluation, "supervision")
topics.register(Result, "supervision", "projects", row=lambda result: review_years())

for model in (ProjectIdea, LivelihoodProject, MajorProject):
    topics.register(model, "projects", row=lambda row: review_years(row.year))
for model in (ProjectApproval, Milestone, Inspection, InspectionPhoto):
    topics.register(model, "projects")

# The roll, receipts, sealed and counted ballots and paper tallies are secret until the
# Result row (above) publishes the outcome.
topics.private(
    PollVoter,
    BallotReceipt,
    SealedBallot,
    Ballot,
    PaperTally,
    PaperTallyCount,
    SupervisionItem.history.model,
    Poll.history.model,
)

# Filing review: the register's pages and the review's filing figures. A resident's suggestion
# shows only on its own tracking page (never cached) until the office answers it.
for model in (NormativeDocument, FilingReview, ReviewFinding, ReviewStep):
    topics.register(model, "filing", row=lambda row: review_years())
topics.register(ReviewSuggestion, "filing", row=lambda row: review_years())
topics.private(NormativeDocument.history.model, FilingReview.history.model)

# The budget register: the public budget pages show the published months and the published
# questions of the session's budget review ("budget"); its warnings and cases count in the review.
for model in (
    BudgetSnapshot,
    ExecutionLine,
    FunctionalLine,
    BudgetTotal,
    SanGongLine,
    TransferLine,
    ReserveLine,
    DebtLine,
):
    topics.register(model, "budget", row=lambda row: review_years())
for model in (WarningRule, BudgetWarning, AnswerAssessment):
    topics.register(model, row=lambda row: review_years())
topics.register(DraftBudgetLine, "budget")
topics.register(BudgetQuestion, "budget")
