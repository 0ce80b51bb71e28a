"""The proposals app's models, one module per concern (as Zulip's zerver/models/).

Django finds an app's models in `proposals.models`; each module below holds one concern and this
package names them all. Code may import from here or from the module itself.
"""

# The timeline and the handling units' clerks moved to congress (issue 14); named here too so
# `from proposals.models import TimelineEntry` keeps working while the callers move.
from congress.models import (  # noqa: F401
    TimelineEntry,
    TimelineEntryQuerySet,
    UnitMembership,
    timeline_write,
)
from proposals.models.base import (  # noqa: F401
    Decision,
    Proposal,
    Rating,
    Signature,
    current_year,
    proposal_code,
    reply_class_choices,
)
from proposals.models.handling import (  # noqa: F401
    Assignment,
    CoHandlerView,
    Contact,
    ExtensionRequest,
    Feedback,
    ReminderSent,
    Reply,
    ReplyQuerySet,
    ReturnRequest,
    UnitRequest,
    reply_path,
)
from proposals.models.ledger import (  # noqa: F401
    CarryOver,
    CarryOverQuerySet,
    ProgressReport,
)
from proposals.models.motions import (  # noqa: F401
    Motion,
    MotionInspection,
    MotionProgressReport,
    MotionQuerySet,
)
from proposals.models.opinions import (  # noqa: F401
    OPINION_CODE_ALPHABET,
    OPINION_CODE_LENGTH,
    OPINION_CONTENT_MAX,
    OPINION_CONTENT_MIN,
    Opinion,
    OpinionCategory,
    OpinionChannel,
    OpinionPhoto,
    OpinionQuerySet,
    new_opinion_code,
    normalise_opinion_code,
    opinion_photo_path,
)
from proposals.models.scorecards import ScorecardCriterion, ScorecardScheme  # noqa: F401
from proposals.models.suggestions import (  # noqa: F401
    SubmittedSuggestion,
    Suggestion,
    SuggestionAttachment,
    SuggestionQuerySet,
    attachment_path,
)
