"""Progress mapping: a completing statement about a mapped activity IRI marks the activity done.

Each completion a statement causes is recorded as a StatementEffect, so that voiding the
statement can undo it — unless another statement that is not voided still supports it, or the
completion was made some other way (on the site, from an e-mail) before the statement came.
"""

from peerpath.enrollment.selectors import enrolment_list_for_user
from peerpath.progress.services import completion_mark, completion_unmark
from peerpath.xapi.models import ActivityIRI, StatementEffect

XAPI_SOURCE = "xapi"


def statement_effects_apply(*, rows: list, client) -> list[StatementEffect]:
    """Mark done what the (Statement, facts) pairs complete; called inside the store transaction."""
    mapped = {
        link.iri: link.activity
        for link in ActivityIRI.objects.filter(
            iri__in={facts.activity_iri for _, facts in rows}
        ).select_related("activity__module")
    }
    effects = []
    for row, facts in rows:
        activity = mapped.get(facts.activity_iri)
        if activity is None:
            continue
        enrolments = [
            enrolment
            for enrolment in enrolment_list_for_user(user=row.user_id).filter(
                run__course_id=activity.module.course_id
            )
            if enrolment.is_active and (client.run_id is None or enrolment.run_id == client.run_id)
        ]
        for enrolment in enrolments:
            completion = completion_mark(
                enrolment=enrolment,
                activity=activity,
                source=XAPI_SOURCE,
                now=facts.timestamp or row.stored,
            )
            effects.append(
                StatementEffect(
                    statement=row,
                    enrolment=enrolment,
                    activity=activity,
                    owned=completion.source == XAPI_SOURCE,
                )
            )
    return StatementEffect.objects.bulk_create(effects)


def statement_effects_undo(*, statement_pks: list[int]) -> int:
    """Undo the completions the now-voided statements caused; return how many were unmarked."""
    undone = 0
    for effect in StatementEffect.objects.filter(
        statement_id__in=statement_pks, owned=True
    ).select_related("enrolment", "activity"):
        still_supported = (
            StatementEffect.objects.filter(
                enrolment_id=effect.enrolment_id,
                activity_id=effect.activity_id,
                statement__voided=False,
            )
            .exclude(statement_id__in=statement_pks)
            .exists()
        )
        if not still_supported:
            completion_unmark(enrolment=effect.enrolment, activity=effect.activity)
            undone += 1
    return undone
