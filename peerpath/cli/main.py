"""The `peerpath` command: Django's management commands plus PeerPath's own.

`peerpath migrate`, `peerpath serve`, `peerpath demo`, `peerpath course import PATH`,
`peerpath group solve ...`, `peerpath group generate ...`, `peerpath import learners ...`.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["group"] and argv[1:2] and argv[1] in {"solve", "generate"}:
        # The solver's command line needs no database: keep it fast and Django-free.
        from peerpath.grouping.solver.cli import main as solver_main

        raise SystemExit(solver_main(argv))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["peerpath", *argv])
    except BrokenPipeError:
        # The reader went away (`peerpath analytics outcomes --format csv | head`): stop quietly,
        # as other command-line tools do, instead of printing a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
