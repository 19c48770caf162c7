"""`peerpath import oulad PATH`: the command-line face of `peerpath.analytics.oulad`."""

from django.core.management.base import CommandError

from peerpath.analytics.oulad import oulad_import
from peerpath.common.errors import ApplicationError


def run_oulad_import(command, path: str) -> None:
    try:
        summary = oulad_import(path)
    except ApplicationError as error:
        for where, what in error.errors:
            command.stderr.write(f"{where}: {what}")
        raise CommandError(error.message) from None
    write = command.stdout.write
    write(f"read {', '.join(f'{n} rows of {name}' for name, n in summary.rows.items())}")
    write("created: " + ", ".join(f"{k} {v}" for k, v in summary.created.items()))
    write("updated: " + ", ".join(f"{k} {v}" for k, v in summary.updated.items()))
    for name, columns in summary.missing.items():
        write(f"missing values in {name}: "
              + ", ".join(f"{column} {n}" for column, n in columns.items()))
    write(f"{'no changes' if not summary.changed else f'{summary.changed} rows written'} "
          f"in {summary.seconds:.1f} s")
