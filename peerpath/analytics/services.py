"""Writes of analytics: the study board's decision on a semester report, and the OULAD import
(`peerpath.analytics.oulad`)."""

import datetime as dt

from django.utils.translation import gettext as _

from peerpath.analytics.models import BoardDecision
from peerpath.analytics.oulad import oulad_import  # noqa: F401  (the import's entry point)
from peerpath.common.errors import ApplicationError


def board_decision_record(*, start: dt.date, end: dt.date, decision: str, user) -> BoardDecision:
    decision = decision.strip()
    if not decision:
        raise ApplicationError(_("Write the board's decision."), field="decision")
    if end < start:
        raise ApplicationError(_("The period must end after it starts."), field="end")
    return BoardDecision.objects.create(period_start=start, period_end=end, decision=decision,
                                        recorded_by=user)
