"""The `peerpath group ...` commands (GROUPING.md command-line contract).

    peerpath group solve --learners FILE [--rules FILE] --out FILE [--seed N]
    peerpath group generate --profile global|national --learners N --seed S --out FILE

`main(argv)` takes what follows `peerpath` (so argv starts with "group") and returns the exit
status: 0 when the hard rules hold, 1 when they do not, 2 for bad input (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .engine import solve
from .files import (
    InputError,
    learner_lines,
    read_learners,
    read_rules,
    solution_lines,
    write_atomically,
)
from .generate import PROFILES, generate_learners

EXIT_OK = 0
EXIT_HARD_RULES_BROKEN = 1
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} must be >= 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="peerpath", description="PeerPath study-group formation")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    group = commands.add_parser("group", help="form study groups")
    actions = group.add_subparsers(dest="action", required=True, parser_class=_Parser)

    solve_cmd = actions.add_parser("solve", help="form groups from a learners file")
    solve_cmd.add_argument("--learners", required=True, help="learners, JSON Lines")
    solve_cmd.add_argument(
        "--rules", help="grouping rules, JSON or YAML (default rules if omitted)"
    )
    solve_cmd.add_argument("--out", required=True, help="groups, JSON Lines")
    solve_cmd.add_argument("--seed", type=_non_negative, default=0)

    generate_cmd = actions.add_parser("generate", help="write a seeded learners file")
    generate_cmd.add_argument("--profile", required=True, choices=PROFILES)
    generate_cmd.add_argument("--learners", required=True, type=_non_negative, help="how many")
    generate_cmd.add_argument("--seed", type=_non_negative, default=0)
    generate_cmd.add_argument("--out", required=True, help="learners, JSON Lines")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.action == "generate":
        learners = generate_learners(args.profile, args.learners, args.seed)
        write_atomically(args.out, learner_lines(learners))
        print(f"wrote {len(learners)} {args.profile} learners (seed {args.seed}) to {args.out}")
        return EXIT_OK
    try:
        learners = read_learners(args.learners)
        rules = read_rules(args.rules)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    solution = solve(learners, rules, seed=args.seed)
    write_atomically(args.out, solution_lines(solution.groups, solution.unassigned))
    print(solution.report.format())
    return EXIT_OK if solution.report.hard_total == 0 else EXIT_HARD_RULES_BROKEN


if __name__ == "__main__":
    raise SystemExit(main())
