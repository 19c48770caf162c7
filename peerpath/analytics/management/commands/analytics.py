"""`peerpath analytics outcomes --format csv [--run SLUG ...]`: one row per run with enrolled,
started, passed, distinction, failed, withdrawn, completed and the completion rates."""

import csv

from django.core.management.base import BaseCommand, CommandError

from peerpath.analytics import selectors
from peerpath.courses.models import Run


class Command(BaseCommand):
    help = "Print analytics figures: `outcomes` prints one row per run."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["outcomes"])
        parser.add_argument("--format", choices=["csv"], default="csv")
        parser.add_argument("--run", action="append", default=[],
                            help="a run's slug (repeatable); every run when left out")

    def handle(self, *args, **options):
        runs = Run.objects.select_related("course").order_by("course__slug", "starts_on", "slug")
        if options["run"]:
            runs = runs.filter(slug__in=options["run"])
            missing = set(options["run"]) - set(runs.values_list("slug", flat=True))
            if missing:
                raise CommandError("no run with slug " + ", ".join(sorted(missing)))
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(selectors.OUTCOME_COLUMNS)
        for row in selectors.run_outcomes(runs):
            writer.writerow(selectors.outcome_csv_row(row))
