"""Chinese search that stays fast at 200,000 suggestions (proposals/search.py), PostgreSQL only.

pg_trgm (0003) indexes LIKE '%…%' only when the pattern holds a whole trigram: three or more
characters. Chinese queries are often two characters (道路, 停车) or one, so this adds:

- proposals_cjk_bigrams(title, body): every two-character substring made only of CJK characters
  (each character three bytes in UTF-8: the CJK ideographs and full-width punctuation), and a
  GIN index on it. A two-character term is looked up there (`@> ARRAY['道路']`) and LIKE
  rechecks the row. (About 0.3 ms a row to compute: a minute for 200,000 rows.) One-character
  terms are matched by a scan: nearly every common character is in a large share of rows,
  where the planner prefers the scan anyway;
- no parallel scans of the table (see below), and larger statistics samples for title, body
  and the bigrams, so that the planner's estimate of
  how many rows a Chinese pattern matches is close (the default sample of 100 values sees a
  phrase found in 2 % of rows zero or four times).

SQLite: nothing (it scans, which is fast enough at its sizes; the history stays the same).
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION proposals_cjk_bigrams(title text, body text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(a || b), '{}')
    FROM unnest(ARRAY[title, body]) AS t,
         LATERAL (SELECT string_to_array(t, NULL) AS c) AS s,
         LATERAL unnest(s.c, s.c[2:]) AS u(a, b)
    WHERE octet_length(a) = 3 AND octet_length(b) = 3
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS suggestion_cjk_bigrams ON proposals_suggestion "
        "USING gin (proposals_cjk_bigrams(title, body))"
    )
    schema_editor.execute("ALTER INDEX suggestion_cjk_bigrams ALTER COLUMN 1 SET STATISTICS 300")
    schema_editor.execute(
        "ALTER TABLE proposals_suggestion ALTER COLUMN title SET STATISTICS 1000, "
        "ALTER COLUMN body SET STATISTICS 1000"
    )
    # The planner prices LIKE on long Chinese texts as cheap, so for a phrase in a few percent
    # of rows it picked a parallel scan of the whole table (130-230 ms at 200,000 rows) over the
    # trigram index (about 25 ms). Without parallel workers it picks the index. On two cores
    # shared by the app server, parallel workers only take CPU from other requests anyway.
    schema_editor.execute("ALTER TABLE proposals_suggestion SET (parallel_workers = 0)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS suggestion_cjk_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS proposals_cjk_bigrams(text, text)")
    schema_editor.execute(
        "ALTER TABLE proposals_suggestion ALTER COLUMN title SET STATISTICS -1, "
        "ALTER COLUMN body SET STATISTICS -1"
    )
    schema_editor.execute("ALTER TABLE proposals_suggestion RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0009_timeline_unitmembership_to_congress")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
