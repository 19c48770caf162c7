"""An index on each statement's PeerPath user, for the latest statement of each learner.

On PostgreSQL it is built CONCURRENTLY: a store holding millions of statements keeps taking
them while the index is built (hence a migration outside a transaction).
"""

from django.conf import settings
from django.db import migrations, models


class AddIndexWithoutLocking(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)
        return None


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("xapi", "0002_statement_targets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="statement",
            index=models.Index(
                condition=models.Q(("user__isnull", False)),
                fields=["user", "voided", "stored"],
                name="xapi_stmt_user_p",
            ),
        ),
    ]
