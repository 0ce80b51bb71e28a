"""Which cached pages a write of the congress' own rows drops (congress.kit.pagecache)."""

from congress.kit.pagecache import EVERYTHING, topics
from congress.models import (
    AnnualReview,
    Category,
    Delivery,
    Holiday,
    ImportJob,
    Meeting,
    Notice,
    NoticePreference,
    NoticeProfile,
    Organisation,
    ReviewPdf,
    ReviewSection,
    Session,
    ShortLink,
    Summary,
    Term,
    Town,
)

# Reference data every page may name (terms, sessions, towns, units, categories) and the
# holidays every deadline counts with: rare staff edits, so they simply drop everything.
for model in (Term, Session, Meeting, Town, Organisation, Category, Holiday):
    topics.register(model, EVERYTHING)

# A review's page depends on "reviews" too: staff edit reviews rarely, so one topic for all.
topics.register(AnnualReview, "reviews", row=lambda review: [f"reviews:{review.year}"])
topics.register(ReviewSection, "reviews")
# The PDF cache row (written while a visitor downloads) and an import's bookkeeping (the
# import writes in bulk and calls touched_everything() itself) are on no page.
topics.private(ReviewPdf, ImportJob)
# The notification layer's rows (inbox, delivery log, preferences, short links) are on no cached
# page: the inbox and the preferences page are per person and never cached.
topics.private(Notice, Delivery, NoticePreference, NoticeProfile, ShortLink)
# Summary rows are derived from the rows above (congress.kit.summaries): their writes send no
# signals, and the writes that made them stale touched the pages that show them.
topics.private(Summary)
