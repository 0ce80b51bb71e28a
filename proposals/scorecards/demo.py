"""Demo data: the 2022 scheme of the handling units' scorecard (issue 16), published.

The five rules of the issue's example; given the demo year (proposals/demo.py concentrates the
year's shortfalls on SKIPS_MEETINGS and MISSES_PROMISES) exactly those two units fail: one has
lead items without a contact the deputy confirmed, the other a class B item whose promised date
passed before the year's end with the item not done. Idempotent (sync_rows on natural keys).
"""

from decimal import Decimal

from congress.demo.base import sync_rows
from proposals.models import ScorecardCriterion, ScorecardScheme

K = ScorecardCriterion.Kind
YEAR = 2022
CRITERIA = [
    (K.SIGNED_WITHIN, 7, 100),
    (K.REPLIED_ON_TIME, None, 80),
    (K.SATISFIED, None, 80),
    (K.CONTACT_CONFIRMED, None, 100),
    (K.PROMISES_KEPT, None, 100),
]
NOTE = (
    "考评对象为2022年度承办市十六届人大一次会议代表建议和闭会期间代表建议的各单位。"
    "各项数据均由系统根据交办、签收、答复、代表测评和面商记录自动计算，点击单位名称可查看每项数据所依据的建议。"
)


def load(*, stdout=None) -> None:
    (scheme,) = sync_rows(
        ScorecardScheme.objects.filter(year=YEAR),
        ["year"],
        [
            {
                "year": YEAR,
                "name": "2022年度代表建议承办单位考评",
                "fail_on_any": True,
                "min_met": None,
                "published": True,
                "note": NOTE,
            }
        ],
    )
    sync_rows(
        ScorecardCriterion.objects.filter(scheme=scheme),
        ["scheme_id", "kind"],
        [
            {
                "scheme_id": scheme.pk,
                "kind": kind,
                "days": days,
                "min_share": Decimal(share),
                "order": order,
            }
            for order, (kind, days, share) in enumerate(CRITERIA, start=1)
        ],
    )
