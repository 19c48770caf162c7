"""Production pages, one module per area; `urls.py` names them through this package."""

from peerpath.production.views.bookings import bookings
from peerpath.production.views.making import (
    comment_add,
    comment_resolve,
    course_link,
    milestone_done,
    milestone_reschedule,
    plan_create,
    round_open,
    run_open,
)
from peerpath.production.views.programmes import (
    designer_assign,
    programme_detail,
    programme_new,
    programmes,
)
from peerpath.production.views.proposals import (
    board,
    proposal_act,
    proposal_assess,
    proposal_detail,
    proposal_edit,
    proposal_new,
)
from peerpath.production.views.reviews import review_new, reviews

__all__ = [
    "board",
    "bookings",
    "comment_add",
    "comment_resolve",
    "course_link",
    "designer_assign",
    "milestone_done",
    "milestone_reschedule",
    "plan_create",
    "programme_detail",
    "programme_new",
    "programmes",
    "proposal_act",
    "proposal_assess",
    "proposal_detail",
    "proposal_edit",
    "proposal_new",
    "review_new",
    "reviews",
    "round_open",
    "run_open",
]
