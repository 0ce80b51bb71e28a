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

On PostgreSQL, migration 0003_suggestion_search_trgm creates the pg_trgm extension and trigram
GIN indexes on title and body; LIKE '%农村道路%' then reads the index instead of every row.
Trigrams of Chinese characters are only extracted when the database's LC_CTYPE classifies them
as letters (C.UTF-8, zh_CN.UTF-8, en_US.UTF-8 do; the plain "C" locale does not, and the search
still works, only without the index). SQLite scans the rows, which stays well under the page's
time budget at ten times Pinghu's yearly volume (tests/perf/bench_suggestion_list.py).
"""

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

MAX_TERMS = 5
SPACES = re.compile(r"[\s\u3000]+")


def terms(query: str) -> list[str]:
    """The distinct terms of a query, at most MAX_TERMS of them."""
    seen: list[str] = []
    for term in SPACES.split(query or ""):
        if term and term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def _contains(field: str, term: str) -> Q:
    lookup = "contains" if term.lower() == term.upper() else "icontains"
    return Q(**{f"{field}__{lookup}": term})


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Items whose title or text holds every term of `query`, best matches first."""
    words = terms(query)
    if not words:
        return queryset
    for word in words:
        queryset = queryset.filter(_contains("title", word) | _contains("body", word))
    phrase = "".join(words)
    all_in_title = Q()
    for word in words:
        all_in_title &= _contains("title", word)
    return queryset.annotate(
        search_rank=Case(
            When(_contains("title", phrase), then=Value(3)),
            When(all_in_title, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("-search_rank", "-year", "session_id", "number", "-id")
