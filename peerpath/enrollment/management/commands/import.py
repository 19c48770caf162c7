"""`peerpath import learners --run SLUG FILE`: the staff CSV import from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from peerpath.common.errors import ApplicationError
from peerpath.enrollment import selectors, services


class Command(BaseCommand):
    help = ("Import learners from a CSV file into a run: every row is checked, and a file "
            "with any bad row imports nothing (columns: see peerpath/enrollment/csv_import.py).")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["learners", "oulad"], help="what to import")
        parser.add_argument("--run", help="the run's slug (learners)")
        parser.add_argument("file", help="path of the CSV file (UTF-8), or the OULAD folder")

    def handle(self, *args, **options):
        if options["what"] == "oulad":  # the OULAD dataset: see peerpath/analytics/oulad.py
            from peerpath.analytics.management.oulad_command import run_oulad_import

            return run_oulad_import(self, options["file"])
        if not options["run"]:
            raise CommandError("importing learners needs --run SLUG")
        run = selectors.run_get_for_signup(slug=options["run"])
        if run is None:
            raise CommandError(f"no run with slug {options['run']!r}")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        try:
            report = services.enrolment_import_csv(run=run, file=content, filename=path.name)
        except ApplicationError as error:
            for where, what in error.errors:
                self.stderr.write(f"{path.name}: {where}: {what}")
            raise CommandError(error.message) from None
        self.stdout.write(
            f"imported {report.imported} learners into {run.slug} "
            f"({report.confirmed} confirmed, {report.waitlisted} waitlisted, "
            f"{report.already_enrolled} already enrolled, {report.users_created} new accounts)"
        )
