"""An existing database migrates forward over the move of the timeline and the handling units'
clerks from proposals to congress (congress 0005, proposals 0009) with its rows intact, and with
the permissions that groups and people were given still in force.

Each test migrates the test database back to just before the move, writes rows with the models
as they were then (the historical models), migrates forward and reads them with today's models.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from congress.models import TimelineEntry, UnitMembership

BEFORE = [("congress", "0004_import_job"), ("proposals", "0008_opinion_photo_ready")]
# The historical models to write with: the apps as they were then, and the admin's log.
STATE = [*BEFORE, ("admin", "0003_logentry_add_action_flag_choices")]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


@pytest.fixture
def old_apps():
    """The test database as it was before the move; it is migrated to the end again afterwards."""
    executor = _migrate(BEFORE)
    try:
        yield executor.loader.project_state(STATE).apps
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _rows_before_the_move(apps):
    """A clerk, a timeline entry, a group allowed to view timeline entries, an admin log entry."""
    OldContentType = apps.get_model("contenttypes", "ContentType")
    OldPermission = apps.get_model("auth", "Permission")
    OldGroup = apps.get_model("auth", "Group")
    OldUser = apps.get_model("auth", "User")
    OldLogEntry = apps.get_model("admin", "LogEntry")
    OldOrganisation = apps.get_model("congress", "Organisation")
    OldUnitMembership = apps.get_model("proposals", "UnitMembership")
    OldTimelineEntry = apps.get_model("proposals", "TimelineEntry")

    timeline_type, _ = OldContentType.objects.get_or_create(
        app_label="proposals", model="timelineentry"
    )
    view_timeline, _ = OldPermission.objects.get_or_create(
        content_type=timeline_type,
        codename="view_timelineentry",
        defaults={"name": "Can view timeline entry"},
    )
    suggestion_type, _ = OldContentType.objects.get_or_create(
        app_label="proposals", model="suggestion"
    )
    group = OldGroup.objects.create(name="督办组")
    group.permissions.add(view_timeline)
    clerk = OldUser.objects.create(username="clerk", is_staff=True)
    clerk.groups.add(group)
    unit = OldOrganisation.objects.create(name="市交通运输局")
    membership = OldUnitMembership.objects.create(user=clerk, organisation=unit)
    entry = OldTimelineEntry.objects.create(
        content_type=suggestion_type,
        object_id=41,
        action="assigned",
        actor=clerk,
        actor_label="市人大常委会办公厅",
        note="市交通运输局",
        public=True,
    )
    log = OldLogEntry.objects.create(
        user=clerk,
        content_type=timeline_type,
        object_id=str(entry.pk),
        object_repr="交办",
        action_flag=2,
        change_message="[]",
    )
    return {"membership": membership.pk, "entry": entry.pk, "log": log.pk, "clerk": clerk.pk}


def _assert_intact(ids):
    entry = TimelineEntry.objects.get(pk=ids["entry"])
    assert (entry.action, entry.object_id, entry.actor_label, entry.note, entry.public) == (
        "assigned",
        41,
        "市人大常委会办公厅",
        "市交通运输局",
        True,
    )
    assert entry.content_type.model_class().__name__ == "Suggestion"
    assert entry.actor_id == ids["clerk"]
    membership = UnitMembership.objects.select_related("organisation").get(pk=ids["membership"])
    assert (membership.user_id, membership.organisation.name) == (ids["clerk"], "市交通运输局")

    # Permissions and the admin log follow the model to its new app.
    assert ContentType.objects.get_for_model(TimelineEntry).app_label == "congress"
    assert not ContentType.objects.filter(app_label="proposals", model="timelineentry").exists()
    group = Group.objects.get(name="督办组")
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("congress", "view_timelineentry")
    ]
    assert User.objects.get(pk=ids["clerk"]).has_perm("congress.view_timelineentry")
    assert LogEntry.objects.get(pk=ids["log"]).get_edited_object() == entry


def test_an_existing_database_keeps_its_timeline_clerks_and_permissions(old_apps):
    ids = _rows_before_the_move(old_apps)
    rows_before = TimelineEntry.objects.count(), UnitMembership.objects.count()

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    _assert_intact(ids)
    assert (TimelineEntry.objects.count(), UnitMembership.objects.count()) == rows_before


def test_grants_survive_when_the_new_content_type_was_created_first(old_apps):
    """post_migrate may have created congress's content type (and its permissions) before the
    move ran, e.g. after `migrate congress 0004`: the old grants move onto the new permission."""
    ids = _rows_before_the_move(old_apps)
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    OldPermission = old_apps.get_model("auth", "Permission")
    new_type = OldContentType.objects.create(app_label="congress", model="timelineentry")
    OldPermission.objects.create(
        content_type=new_type, codename="view_timelineentry", name="Can view timeline entry"
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    _assert_intact(ids)
    assert Permission.objects.filter(codename="view_timelineentry").count() == 1


def test_the_move_can_be_undone_with_the_rows_intact(old_apps):
    ids = _rows_before_the_move(old_apps)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    executor = _migrate(BEFORE)

    apps = executor.loader.project_state(STATE).apps
    entry = apps.get_model("proposals", "TimelineEntry").objects.get(pk=ids["entry"])
    assert entry.action == "assigned"
    assert (
        apps.get_model("proposals", "UnitMembership").objects.filter(pk=ids["membership"]).exists()
    )
    group = apps.get_model("auth", "Group").objects.get(name="督办组")
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("proposals", "view_timelineentry")
    ]
