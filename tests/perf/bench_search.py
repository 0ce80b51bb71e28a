"""Benchmark: Chinese substring search over 200,000 suggestions on PostgreSQL, in the database.

Standalone, not a test. Needs DATABASE_URL (PostgreSQL); it creates a throwaway database
`<name>_bench_search` next to it, migrates it, builds the suggestions with one INSERT … SELECT
over generate_series (titles and texts drawn from a vocabulary of Chinese phrases, so that some
words are common and some rare, as in real suggestions), runs ANALYZE, and drops it afterwards.

For each query it takes the SQL the public list really sends for `/suggestions/?q=…` (the
first page's ranked ids with the number of all matches, built by SuggestionFilter,
proposals/search.py and SearchMatches in proposals/suggestions/views.py) and prints
EXPLAIN ANALYZE: the execution time, the rows the planner expected against the rows found, and
the indexes used. Target: ≤ 50 ms per statement, a trigram or bigram index for every term of
two or more Chinese characters, estimates within a factor of a few of the real counts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renda .venv/bin/python tests/perf/bench_search.py [items]
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 200_000
QUERIES = [
    "农村道路",  # a common four-character phrase
    "营商环境",
    "垃圾分类处理",
    "道路",  # two characters: no trigram in the pattern, the bigram index instead
    "停车",
    "农村 道路",  # two terms, both must occur
    "加装电梯",  # rare
    "无障碍坡道",  # not in the texts at all
    "路",  # one character: matched by a scan (see proposals/search.py)
    "5G基站",
]

VERBS = ["关于加快", "关于进一步加强", "关于完善", "关于推进", "关于优化", "关于规范", "关于支持"]
SUBJECTS = [
    "农村道路亮化设施建设", "老旧小区改造", "城区停车设施建设", "农村公路养护管理",
    "小微企业融资服务", "营商环境建设", "中小学课后服务", "养老服务体系建设",
    "河道综合治理", "垃圾分类处理", "公交线路布局", "基层医疗服务能力",
    "农贸市场改造", "学前教育资源配置", "社区卫生服务站建设", "乡村旅游发展",
    "农田水利设施维护", "文化礼堂运行管理", "背街小巷环境整治", "电动自行车充电设施",
    "食品安全监管", "城乡供水一体化", "校园周边交通安全", "夜间经济发展",
    "残疾人就业帮扶", "新能源汽车推广", "数字乡村建设", "历史文化街区保护",
    "外来务工人员子女入学", "防汛排涝能力提升", "5G基站布局", "老旧住宅加装电梯",
]  # fmt: skip
FRAGMENTS = [
    "群众反映较多，存在明显短板。", "建议有关部门统筹推进，明确责任分工。", "加大财政投入力度，",
    "定期通报工作进展，接受群众监督。", "目前部分路段路面破损严重，", "夜间照明不足，存在安全隐患。",
    "建议结合实际制定三年行动计划，", "鼓励社会资本参与建设和运营。", "加强部门协同，形成工作合力。",
    "完善考核评价机制，", "切实解决群众急难愁盼问题。", "学习借鉴周边县市的先进经验，",
    "优化审批流程，提高办事效率。", "做好政策宣传和解读工作。", "建立长效管护机制，",
    "进一步提升服务质量和水平。", "充分听取基层代表和群众意见，", "因地制宜，分类施策，",
    "强化资金保障和要素支撑。", "推动城乡基本公共服务均等化。",
]  # fmt: skip


def build(items: int) -> None:
    import datetime

    from django.db import connection

    from congress.models import Category, Session, Term, Town
    from deputies.models import Delegation, Deputy

    term = Term.objects.create(number=16, start_date=datetime.date(2022, 1, 1))
    sessions = [
        Session.objects.create(
            term=term,
            number=n,
            start_date=datetime.date(2021 + n, 2, 14),
            end_date=datetime.date(2021 + n, 2, 18),
        )
        for n in range(1, 6)
    ]
    category = Category.objects.create(term=term, name="城乡建设")
    town = Town.objects.create(name="当湖街道", kind="street")
    delegation = Delegation.objects.create(term=term, town=town, name="当湖街道代表团")
    lead = Deputy.objects.create(
        term=term, card_number="B0001", name="代表甲", gender="F", delegation=delegation
    )
    sql = """
        INSERT INTO proposals_suggestion (
            number, code, title, body, is_public, created_at, submitted_at, registered_at,
            replied_at, closed_at, status, year, reject_reason, decision_note, converted_to,
            key_supervision, key_leader, look_back, tracking, rehandle_count,
            category_id, lead_id, session_id, term_id)
        SELECT
            i / 5 + 1,
            '十六届' || (mod(i, 5) + 1) || '次会议第' || (i / 5 + 1) || '号',
            verbs[1 + floor(random() * cardinality(verbs))::int] || subjects[pick.s] || '的建议',
            '关于' || subjects[pick.s] || '的情况：' || array_to_string(ARRAY(
                SELECT fragments[1 + floor(random() * cardinality(fragments))::int]
                FROM generate_series(1, 8 + mod(i, 7) + 0 * pick.s)
            ), '') || '建议统筹推进' || subjects[pick.b] || '。',
            mod(i, 10) <> 0, now(), now(), now(), now(), now(),
            CASE WHEN mod(i, 10) = 0 THEN 'draft' ELSE 'closed' END,
            sessions.years[mod(i, 5) + 1], '', '', '', false, '', false, false, 0,
            %(category)s, %(lead)s, sessions.ids[mod(i, 5) + 1], %(term)s
        FROM generate_series(0, %(items)s - 1) AS i
        CROSS JOIN (SELECT %(verbs)s::text[] AS verbs, %(subjects)s::text[] AS subjects,
                           %(fragments)s::text[] AS fragments) AS words
        CROSS JOIN (SELECT %(session_ids)s::bigint[] AS ids, %(years)s::int[] AS years) AS sessions
        CROSS JOIN LATERAL (
            SELECT 1 + floor(cardinality(subjects) * random() + 0 * i)::int AS s,
                   1 + floor(cardinality(subjects) * random() + 0 * i)::int AS b
        ) AS pick
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute(
            sql,
            {
                "items": items,
                "verbs": VERBS,
                "subjects": SUBJECTS,
                "fragments": FRAGMENTS,
                "session_ids": [s.pk for s in sessions],
                "years": [s.start_date.year for s in sessions],
                "category": category.pk,
                "lead": lead.pk,
                "term": term.pk,
            },
        )
        # VACUUM too, as autovacuum would after a load: else the GIN indexes hold every new row
        # in their pending list, which each search reads whole (autovacuum is off here).
        cursor.execute("VACUUM ANALYZE proposals_suggestion")


def _walk(node, found):
    found.append(node)
    for child in node.get("Plans", []):
        _walk(child, found)
    return found


def explain(sql: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        return cursor.fetchone()[0][0]


def summary(plan: dict) -> str:
    nodes = _walk(plan["Plan"], [])
    scans = []
    for node in nodes:
        if "Index Name" in node or "Seq Scan" in node["Node Type"]:
            name = node.get("Index Name", "seq scan")
            # Parallel workers: rows are per loop, the estimate per worker.
            loops = node.get("Actual Loops", 1) or 1
            got = node["Actual Rows"] * loops
            scans.append(f"{name} (est {node['Plan Rows'] * loops:,} / got {got:,})")
    return "; ".join(dict.fromkeys(scans))


def measure() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from proposals.filters import SuggestionFilter
    from proposals.suggestions.views import SearchMatches, public_list_queryset

    total = public_list_queryset().count()
    print(f"  {total:,} public suggestions", flush=True)
    worst = 0.0
    for query in QUERIES:
        qs = SuggestionFilter({"q": query}, queryset=public_list_queryset()).qs
        with CaptureQueriesContext(connection) as captured:
            # What the list sends: the first page's ranked ids with the number of all matches.
            count = SearchMatches(qs, 0, 20).count()
        for label, entry in zip(["page"], captured.captured_queries, strict=True):
            best = None
            for _ in range(3):  # the best of three: the first run may read from disk
                plan = explain(entry["sql"])
                if best is None or plan["Execution Time"] < best["Execution Time"]:
                    best = plan
            if all(len(term) > 1 for term in query.split()):
                worst = max(worst, best["Execution Time"])
            print(
                f"  q={query:<10} {label:<5} {count:>7,} rows  "
                f"{best['Execution Time']:7.1f} ms  {summary(best)}",
                flush=True,
            )
    print(f"  slowest statement, terms of two or more characters: {worst:.1f} ms (target ≤ 50 ms)")


def child(items: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build(items)
    built = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_size_pretty(pg_relation_size(oid)) FROM pg_class "
            "WHERE relname LIKE 'suggestion_%%bigrams' OR relname LIKE 'suggestion_%%trgm'"
        )
        sizes = ", ".join(f"{name} {size}" for name, size in cursor.fetchall())
    print(f"postgresql: {items:,} suggestions built in {built:.1f} s; indexes: {sizes}", flush=True)
    measure()


def main() -> int:
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench_search needs DATABASE_URL=postgres://…: skipped")
        return 0
    items = int(sys.argv[1]) if len(sys.argv) > 1 else ITEMS
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'renda'}_bench_search"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
        command = [sys.executable, __file__, "--child", str(items)]
        return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        sys.exit(main())
