"""Progress mapping: a completing statement about a mapped activity IRI marks the activity done.

Each completion a statement causes is recorded as a StatementEffect, so that voiding the
statement can undo it — unless another statement that is not voided still supports it, or the
completion was made some other way (on the site, from an e-mail) before the statement came.
"""

from peerpath.enrollment.selectors import enrolment_list_for_user
from peerpath.progress.services import completion_mark, completion_unmark
from peerpath.xapi.models import ActivityIRI, Statement, StatementEffect

XAPI_SOURCE = "xapi"


def statement_effects_apply(*, completing: dict, client) -> list[StatementEffect]:
    """Mark done what the stored statements complete; called inside the store transaction.

    `completing` maps the id of each stored, completing statement tied to a learner to its
    facts. Most batches name no mapped activity: one query tells so, and the statements are
    read back only for those that do.
    """
    # The plain lookup costs a fraction of one that also loads the activities and modules.
    mapped_iris = set(
        ActivityIRI.objects.filter(
            iri__in={facts.activity_iri for facts in completing.values()}
        ).values_list("iri", flat=True)
    )
    if not mapped_iris:
        return []
    mapped = {
        link.iri: link.activity
        for link in ActivityIRI.objects.filter(iri__in=mapped_iris).select_related(
            "activity__module"
        )
    }
    saved = Statement.objects.filter(
        statement_id__in=[
            statement_id
            for statement_id, facts in completing.items()
            if facts.activity_iri in mapped
        ]
    ).only("statement_id", "stored", "user_id")
    rows = [(row, completing[str(row.statement_id)]) for row in saved]
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
