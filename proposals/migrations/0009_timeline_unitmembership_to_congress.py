# The shared timeline and the handling units' clerks now belong to congress (congress 0005 adds
# them to its state and renames their content types). Here they leave proposals' state only: the
# tables stay as they are, with their rows, indexes and constraints.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0008_opinion_photo_ready"),
        ("congress", "0005_timeline_unitmembership_from_proposals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="TimelineEntry"),
                migrations.DeleteModel(name="UnitMembership"),
            ],
            database_operations=[],
        ),
    ]
