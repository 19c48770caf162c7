"""Statements that refer to other statements: chains of StatementRefs and early voiding.

A statement whose object is a StatementRef gets one StatementTarget row per statement down its
chain of targets, so that a filtered GET can return it when any of them matches (the spec's
filter rule for StatementRefs). Targets may arrive after the statements that refer to them:
when one arrives, the chains waiting on it are extended, and a voiding statement that was
there first leaves the newcomer stored as voided.
"""

from dataclasses import dataclass, field

from peerpath.xapi.models import StatementTarget
from peerpath.xapi.services.rows import db_uuid, insert_rows

# Longer chains are followed no further: a chain is data a client sends, not a loop to run.
MAX_DEPTH = 64


@dataclass
class TargetPlan:
    """What storing a batch does to StatementRef chains."""

    rows: list[tuple] = field(default_factory=list)  # StatementTarget rows to insert
    voided_on_arrival: set[str] = field(default_factory=set)  # ids of the batch to store voided


def _norm(value) -> str:
    return str(value).lower() if not isinstance(value, str) else value.lower()


def _stored_chains(ids: set[str]) -> dict[str, list[tuple[str, int]]]:
    """The chains already stored for these statements: {statement: [(target, depth)]}."""
    chains: dict[str, list[tuple[str, int]]] = {}
    if not ids:
        return chains
    for statement_uuid, target_uuid, depth in StatementTarget.objects.filter(
        statement_uuid__in=[db_uuid(i) for i in ids]
    ).values_list("statement_uuid", "target_uuid", "depth"):
        chains.setdefault(_norm(statement_uuid), []).append((_norm(target_uuid), depth))
    return chains


def target_plan(batch: list[tuple[str, str | None, bool]]) -> TargetPlan:
    """Plan the chain rows for a batch of (statement id, StatementRef target, voids it?)."""
    plan = TargetPlan()
    ids = {statement_id for statement_id, _, _ in batch}
    refers = {statement_id: target for statement_id, target, _ in batch if target}
    voiding = {statement_id for statement_id, target, voids in batch if target and voids}

    waiting = list(
        StatementTarget.objects.filter(target_uuid__in=[db_uuid(i) for i in ids]).values_list(
            "statement_uuid", "target_uuid", "depth", "voiding"
        )
    )
    for _, target_uuid, _, is_voiding in waiting:
        target = _norm(target_uuid)
        # A voiding statement cannot itself be voided.
        if is_voiding and target not in voiding:
            plan.voided_on_arrival.add(target)
    if not refers and not waiting:
        return plan

    stored = _stored_chains({t for t in refers.values() if t not in ids})
    memo: dict[str, list[tuple[str, int]]] = {}

    def chain(statement_id: str, seen: frozenset) -> list[tuple[str, int]]:
        if statement_id in memo:
            return memo[statement_id]
        target = refers.get(statement_id)
        if target is None:
            return []
        found = [(target, 1)]
        if target in refers and target not in seen and len(seen) < MAX_DEPTH:
            found += [(t, d + 1) for t, d in chain(target, seen | {target})]
        elif target not in refers:
            found += [(t, d + 1) for t, d in stored.get(target, [])]
        best: dict[str, int] = {}
        for t, d in found:
            if t != statement_id and d <= MAX_DEPTH:
                best[t] = min(d, best.get(t, d))
        memo[statement_id] = sorted(best.items(), key=lambda item: item[1])
        return memo[statement_id]

    for statement_id in refers:
        for target, depth in chain(statement_id, frozenset({statement_id})):
            is_voiding = depth == 1 and statement_id in voiding
            plan.rows.append((db_uuid(statement_id), db_uuid(target), depth, is_voiding))
    # Chains that stopped at a statement of this batch now continue down its own chain.
    for statement_uuid, target_uuid, depth, _ in waiting:
        origin = _norm(statement_uuid)
        for target, extra in memo.get(_norm(target_uuid), []):
            if target != origin and depth + extra <= MAX_DEPTH:
                plan.rows.append((db_uuid(origin), db_uuid(target), depth + extra, False))
    return plan


def target_rows_insert(plan: TargetPlan) -> None:
    insert_rows(StatementTarget, ["statement_uuid", "target_uuid", "depth", "voiding"], plan.rows)
