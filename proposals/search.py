"""Chinese search over suggestions' titles and texts, the same on PostgreSQL and on SQLite.

Why substrings and not full-text search
---------------------------------------
Chinese is written without spaces, so a word-based engine needs a segmenter (jieba, zhparser …)
to find "农村道路" in "关于加快农村道路亮化设施建设的建议": PostgreSQL's built-in text search
and SQLite's FTS5 both split on spaces and would see one long "word". Segmenters are extra
dependencies (zhparser is a C extension few hosts offer) and they miss words their dictionary
cuts differently. What residents type is a few characters copied from a title, so the search is a
substring match:

- the query is split on spaces (ASCII or full-width): every term must occur in the title or the
  text ("农村 道路" finds items that mention both);
- a term with no letter case (Chinese, digits) is matched with `contains` (LIKE '%…%'), one with
  letters with `icontains`, so that "5g" finds "5G";
- ranking, the same on both databases: (1) the whole query in the title, (2) every term in the
  title, (3) matches in the text only; within a tier, the most recent year first, then the item
  number.

On PostgreSQL (tests/perf/bench_search.py measures it at 200,000 suggestions):

- migration 0003_suggestion_search_trgm creates the pg_trgm extension and trigram GIN indexes
  on title and body; LIKE '%农村道路%' then reads the index instead of every row. Trigrams of
  Chinese characters are only extracted when the database's LC_CTYPE classifies them as letters
  (C.UTF-8, zh_CN.UTF-8, en_US.UTF-8 do; the plain "C" locale does not, and the search still
  works, only without the index). A term with letters is matched with ILIKE, which the trigram
  index serves too (Django's icontains, UPPER(title) LIKE UPPER(…), cannot use it);
- a pattern of two characters holds no trigram, so pg_trgm cannot serve '%道路%': migration
  0010_suggestion_search_bigrams indexes every two-CJK-character substring of title and body
  (proposals_cjk_bigrams), and a two-character Chinese term adds `bigrams @> ARRAY['道路']`,
  which that index answers, before LIKE rechecks the row;
- a one-character term is matched by a scan (a common character is in a large share of rows,
  where an index would not help);
- so is a two-character term whose bigram is in most rows (建议, 关于: COMMON_BIGRAM_SHARE or
  more, by the statistics ANALYZE keeps for the bigram index). For such a term the planner does
  not use the bigram index, and the `@>` test then computes every candidate row's bigrams
  (about 55 µs a row: `q=建议` took a second at 20,000 suggestions); LIKE alone scans the table
  in tens of milliseconds.

SQLite scans the rows, which stays well under the page's time budget at ten times Pinghu's
yearly volume (tests/perf/bench_suggestion_list.py).
"""

import re
import time

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.lookups import IContains

MAX_TERMS = 5
SPACES = re.compile(r"[\s\u3000]+")
# At 20,000 suggestions, the planner kept the bigram index for a bigram in up to 70 % of the rows
# (as fast as LIKE alone from 40 %) and computed bigrams row by row from 80 % (0.7 s).
COMMON_BIGRAM_SHARE = 0.5
STATISTICS_SECONDS = 600  # how long a process trusts the bigram statistics it read


@CharField.register_lookup
@TextField.register_lookup
class ILikeContains(IContains):
    """icontains that PostgreSQL's trigram index can serve: `title ILIKE '%5g%'`."""

    lookup_name = "ilike_contains"

    def get_rhs_op(self, connection, rhs):
        if connection.vendor == "postgresql":
            return f"ILIKE {rhs}"  # and the column as it is, not UPPER(column)
        return connection.operators["icontains"] % rhs


class CjkBigrams(Func):
    """proposals_cjk_bigrams(title, body) (migration 0009): its GIN index answers `@>`."""

    function = "proposals_cjk_bigrams"

    def __init__(self, *expressions, **extra):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(*expressions, output_field=ArrayField(TextField()), **extra)


def _cjk(term: str) -> bool:
    """Every character three bytes in UTF-8, as the bigrams the index holds."""
    return all(len(char.encode()) == 3 for char in term)


def terms(query: str) -> list[str]:
    """The distinct terms of a query, at most MAX_TERMS of them."""
    seen: list[str] = []
    for term in SPACES.split(query or ""):
        if term and term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def _contains(field: str, term: str) -> Q:
    lookup = "contains" if term.lower() == term.upper() else "ilike_contains"
    return Q(**{f"{field}__{lookup}": term})


_common_bigrams: dict[str, tuple[float, frozenset[str]]] = {}  # per database: (read at, bigrams)


def common_bigrams(using: str) -> frozenset[str]:
    """The bigrams in COMMON_BIGRAM_SHARE of the suggestions or more, from PostgreSQL's
    statistics on the bigram index (most common elements, as ANALYZE last counted them).

    Read once per STATISTICS_SECONDS per process: they change only when the table is analysed,
    and they only choose the plan, never the results.
    """
    read_at, found = _common_bigrams.get(using, (0.0, frozenset()))
    if read_at and time.monotonic() - read_at < STATISTICS_SECONDS:
        return found
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT u.bigram FROM pg_stats s, unnest(s.most_common_elems::text::text[], "
            "s.most_common_elem_freqs) AS u(bigram, share) "
            "WHERE s.schemaname = current_schema() AND s.tablename = 'suggestion_cjk_bigrams' "
            "AND u.bigram IS NOT NULL AND u.share >= %s",
            [COMMON_BIGRAM_SHARE],
        )
        found = frozenset(row[0] for row in cursor.fetchall())
    _common_bigrams[using] = (time.monotonic(), found)
    return found


def forget_statistics() -> None:
    """Read the bigram statistics again on the next search (after ANALYZE, in tests)."""
    _common_bigrams.clear()


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Items whose title or text holds every term of `query`, best matches first."""
    words = terms(query)
    if not words:
        return queryset
    postgres = connections[queryset.db].vendor == "postgresql"
    bigrams = [word for word in words if len(word) == 2 and _cjk(word)] if postgres else []
    common = common_bigrams(queryset.db) if bigrams else frozenset()
    for word in words:
        if word in bigrams and word not in common:
            # No trigram in a two-character pattern: the bigram index finds the candidates.
            queryset = queryset.alias(cjk_bigrams=CjkBigrams("title", "body")).filter(
                cjk_bigrams__contains=[word]
            )
        queryset = queryset.filter(_contains("title", word) | _contains("body", word))
    phrase = "".join(words)
    tiers = [When(_contains("title", phrase), then=Value(3))]
    if len(words) > 1:  # one term: "every term in the title" is the phrase, tested above
        all_in_title = Q()
        for word in words:
            all_in_title &= _contains("title", word)
        tiers.append(When(all_in_title, then=Value(2)))
    return queryset.annotate(
        search_rank=Case(*tiers, default=Value(1), output_field=IntegerField())
    ).order_by("-search_rank", "-year", "session_id", "number", "-id")
