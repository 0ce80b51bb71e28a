# The shared timeline and the handling units' clerks move from proposals to congress (issue 14).
# Only Django's idea of which app owns them changes: the tables keep their names
# (proposals_timelineentry, proposals_unitmembership), so no row is copied. proposals 0009 drops
# them from proposals' state after this one adds them to congress's.
#
# Their content types are renamed in place (app_label proposals → congress), so everything that
# points at a content type by id keeps pointing at the right model: permissions (and so the groups
# and users holding them: a group that may "view timeline entry" still may), admin log entries,
# and the timeline rows of nothing (a timeline row points at its item's content type, not its own).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models, router

MODELS = ("timelineentry", "unitmembership")


def _move_content_types(apps, schema_editor, from_label, to_label):
    # As Django's own RenameContentType (the operation RenameModel gets) does for a model renamed
    # within its app: the row is updated in place, on the database being migrated.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    db = schema_editor.connection.alias
    if not router.allow_migrate_model(db, ContentType):
        return
    types = ContentType.objects.using(db)
    for model in MODELS:
        old = types.filter(app_label=from_label, model=model).first()
        if old is None:
            continue  # a new database: post_migrate creates the content type under its new app
        new = types.filter(app_label=to_label, model=model).first()
        if new is None:
            old.app_label = to_label
            old.save(using=db, update_fields=["app_label"])
            continue
        # Both exist (post_migrate ran with the new code before this migration did): keep the
        # new one, hand it the old one's grants and log entries, then drop the old one.
        for permission in Permission.objects.using(db).filter(content_type=old):
            twin = (
                Permission.objects.using(db)
                .filter(content_type=new, codename=permission.codename)
                .first()
            )
            if twin is None:
                permission.content_type = new
                permission.save(using=db, update_fields=["content_type"])
                continue
            twin.group_set.add(*permission.group_set.all())
            twin.user_set.add(*permission.user_set.all())
        LogEntry.objects.using(db).filter(content_type=old).update(content_type=new)
        old.delete()
    ContentType.objects.clear_cache()


def forward(apps, schema_editor):
    _move_content_types(apps, schema_editor, "proposals", "congress")


def backward(apps, schema_editor):
    _move_content_types(apps, schema_editor, "congress", "proposals")


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_import_job"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("proposals", "0008_opinion_photo_ready"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TimelineEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("action", models.CharField(max_length=40, verbose_name="action")),
                        (
                            "actor_label",
                            models.CharField(
                                blank=True,
                                help_text="What the public timeline shows instead of a person: a unit, an office.",
                                max_length=100,
                                verbose_name="by (as shown)",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(
                                db_index=True,
                                default=django.utils.timezone.now,
                                verbose_name="time",
                            ),
                        ),
                        ("note", models.TextField(blank=True, verbose_name="note")),
                        ("public", models.BooleanField(default=True, verbose_name="public")),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="by",
                            ),
                        ),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="contenttypes.contenttype",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "timeline entry",
                        "verbose_name_plural": "timeline entries",
                        "db_table": "proposals_timelineentry",
                        "ordering": ["at", "id"],
                        "indexes": [
                            models.Index(
                                fields=["content_type", "object_id", "at"],
                                name="timeline_item_at",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="UnitMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="members",
                                to="congress.organisation",
                                verbose_name="handling unit",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="unit_memberships",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "handling-unit clerk",
                        "verbose_name_plural": "handling-unit clerks",
                        "db_table": "proposals_unitmembership",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "organisation"), name="unitmembership_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
