"""The making side: proposals, their assessment and approvals, development plans, feedback,
semester reviews and studio bookings. Workflow rules live in `workflow.py`; writes in services.
"""

from .delivery import (
    Booking,
    FeedbackComment,
    FeedbackRound,
    Milestone,
    Programme,
    ProgrammeGroup,
    Resource,
    SemesterReview,
)
from .proposals import (
    CENT,
    AppendOnly,
    Assessment,
    AssessmentCriterion,
    Decision,
    ProductionRole,
    Proposal,
    ProposalAttachment,
    TransitionLog,
    attachment_path,
)

__all__ = [
    "AppendOnly",
    "Assessment",
    "AssessmentCriterion",
    "Booking",
    "CENT",
    "Decision",
    "FeedbackComment",
    "FeedbackRound",
    "Milestone",
    "ProductionRole",
    "Programme",
    "ProgrammeGroup",
    "Proposal",
    "ProposalAttachment",
    "Resource",
    "SemesterReview",
    "TransitionLog",
    "attachment_path",
]
