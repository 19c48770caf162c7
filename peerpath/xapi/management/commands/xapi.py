"""`peerpath xapi client add NAME [--run SLUG]` prints KEY:SECRET on its last line;
`peerpath xapi client list`; `peerpath xapi activity map IRI --course SLUG --activity SLUG`.
"""

from django.core.management.base import BaseCommand, CommandError

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Activity, Run
from peerpath.xapi.models import XapiClient
from peerpath.xapi.services import activity_iri_map, client_create


class Command(BaseCommand):
    help = "Manage xAPI clients (credentials for external tools) and activity IRI mappings."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="area", required=True)
        client = sub.add_parser("client").add_subparsers(dest="action", required=True)
        add = client.add_parser("add", help="Create a client; prints KEY:SECRET last.")
        add.add_argument("name")
        add.add_argument("--run", help="Slug of the run the client may report on.")
        client.add_parser("list")
        activity = sub.add_parser("activity").add_subparsers(dest="action", required=True)
        mapping = activity.add_parser("map", help="Map an activity IRI to a PeerPath activity.")
        mapping.add_argument("iri")
        mapping.add_argument("--course", required=True)
        mapping.add_argument("--activity", required=True, help="Slug of the activity.")

    def handle(self, *args, area, action, **options):
        if area == "client" and action == "add":
            self._client_add(options["name"], options.get("run"))
        elif area == "client":
            for client in XapiClient.objects.select_related("run"):
                scope = client.run.slug if client.run else "whole site"
                state = "active" if client.active else "inactive"
                self.stdout.write(f"{client.key}\t{client.name}\t{scope}\t{state}")
        else:
            self._activity_map(options["iri"], options["course"], options["activity"])

    def _client_add(self, name, run_slug):
        run = None
        if run_slug:
            run = Run.objects.filter(slug=run_slug).first()
            if run is None:
                raise CommandError(f"--run: no run with the slug {run_slug!r}")
        try:
            client, secret = client_create(name=name, run=run)
        except ApplicationError as error:
            raise CommandError(f"NAME: {error.message}") from error
        self.stderr.write(
            f"Created xAPI client {client.name!r} "
            f"({'run ' + run.slug if run else 'whole site'}). Credentials:"
        )
        self.stdout.write(f"{client.key}:{secret}")

    def _activity_map(self, iri, course_slug, activity_slug):
        activity = Activity.objects.filter(
            module__course__slug=course_slug, slug=activity_slug
        ).first()
        if activity is None:
            raise CommandError(
                f"--activity: no activity {activity_slug!r} in course {course_slug!r}"
            )
        try:
            link = activity_iri_map(iri=iri, activity=activity)
        except ApplicationError as error:
            raise CommandError(f"IRI: {error.message}") from error
        self.stdout.write(f"{link.iri} -> {activity}")
