"""PeerPath's study-group formation solver (pure Python + NumPy, no Django).

    from peerpath.grouping.solver import Learner, Rules, solve, check_hard_rules, generate_learners

`solve` puts every learner in exactly one group of one language whose members can all make
the group's meeting hour (inside the run's window), or reports them unassigned with a reason;
`Solution.report` is the quality report of GROUPING.md.
"""

from .engine import solve
from .generate import generate_learners, generate_table
from .model import Group, Learner, PenaltyWeights, Rules, Solution, Unassigned
from .quality import check_hard_rules
from .report import QualityReport
from .table import LearnerTable

__all__ = [
    "Group",
    "Learner",
    "LearnerTable",
    "PenaltyWeights",
    "QualityReport",
    "Rules",
    "Solution",
    "Unassigned",
    "check_hard_rules",
    "generate_learners",
    "generate_table",
    "solve",
]
