"""Indexes of the public suggestion list, and trigram indexes for the Chinese substring search
(proposals/search.py), the latter on PostgreSQL only.

SQLite has no trigram indexes and does not need them at this size; the operation does nothing
there, so the migration history is the same on both databases. The trigram indexes are not
declared in Suggestion.Meta (that would try to create them on SQLite too); the two B-tree indexes
are.
"""

from django.db import migrations, models

INDEXES = {
    "suggestion_title_trgm": "title",
    "suggestion_body_trgm": "body",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON proposals_suggestion "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0002_suggestions_motions")]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(fields=["is_public", "status"], name="suggestion_public_status"),
        ),
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                fields=["-year", "session", "number", "id"], name="suggestion_list_order"
            ),
        ),
    ]
