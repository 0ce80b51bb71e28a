"""Which cached pages a write of deputies' and stations' rows drops (congress.kit.pagecache).

"deputies": the directory and every profile; "deputy:<pk>": that profile; "stations": the list
and every station page; "station:<pk>": that station; "reviews:<year>": that year's review.
"""

from congress.kit.pagecache import review_years, topics
from deputies.models import (
    Activity,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonStation,
    PointRule,
    PrivateExport,
    Reception,
    ReceptionSession,
)

# The home page and the review count deputies too; station pages list their deputies.
topics.register(Deputy, "deputies", "stations", key="deputy", row=lambda d: review_years())
topics.register(Delegation, "deputies")
topics.register(DeputyGroup, "deputies")
topics.register(PointRule, "deputies")
topics.register(DeputyGroup.members.through, "deputies")
topics.register(LiaisonStation, "stations", "deputies", key="station")
topics.register(LiaisonStation.deputies.through, "stations", "deputies")
topics.register(
    Reception,
    "stations",
    row=lambda r: [f"station:{r.station_id}", *review_years(r.date)],
)
topics.register(Reception.deputies.through, "stations")
topics.register(Activity, row=lambda a: [f"deputy:{a.deputy_id}", *review_years(a.date)])
# An open reception session changes the opinion form only (never cached: it has a CSRF token).
topics.private(ReceptionSession, PrivateExport)
