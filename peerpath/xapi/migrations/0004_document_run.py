"""Documents belong to a run (that of the client that wrote them) or to the whole site.

Existing documents move to the run of the client that wrote them, so that the clients that
have been using them keep finding them; those of site-wide clients (or of deleted clients) stay
the site's. Keys were unique across the store, so no two documents collide afterwards.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def documents_to_their_writers_runs(apps, schema_editor):
    Document = apps.get_model("xapi", "Document")
    XapiClient = apps.get_model("xapi", "XapiClient")
    Document.objects.filter(client__run__isnull=False).update(
        run=Subquery(XapiClient.objects.filter(pk=OuterRef("client_id")).values("run_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_initial"),
        ("xapi", "0003_statement_user_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="run",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: a document of the whole site, written by a site-wide client.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="courses.run",
            ),
        ),
        # Backwards, documents of several runs sharing an id cannot be put back into one
        # namespace: the key_hash unique constraint then refuses, and nothing is lost.
        migrations.RunPython(documents_to_their_writers_runs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="document",
            name="key_hash",
            field=models.CharField(help_text="Of kind, scope and id.", max_length=64),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(fields=("key_hash", "run"), name="xapi_doc_key_run"),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(("run__isnull", True)),
                fields=("key_hash",),
                name="xapi_doc_key_site",
            ),
        ),
    ]
