"""Reads of the LRS: statements by id and by the spec's filters, documents, activities."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.core import signing
from django.db.models import Q

from peerpath.xapi.errors import BadRequest
from peerpath.xapi.models import (
    ActivityDefinition,
    Attachment,
    Document,
    Statement,
    StatementActivity,
    StatementAgent,
)
from peerpath.xapi.validation import parse_timestamp

PAGE_MAX = 500
CURSOR_SALT = "peerpath.xapi.more"


@dataclass
class StatementQuery:
    agent: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: str | None = None
    until: str | None = None
    limit: int = 0
    ascending: bool = False
    format: str = "exact"
    attachments: bool = False


@dataclass
class StatementPage:
    payloads: list[str]
    more: str | None
    last_stored: dt.datetime | None
    attachment_hashes: list[str]


def _visible(client):
    """A client scoped to a run sees the statements of that run's clients; others see all."""
    rows = Statement.objects.all()
    if client is not None and client.run_id is not None:
        rows = rows.filter(client__run_id=client.run_id)
    return rows


def statement_get(*, statement_id: str, voided: bool, client) -> Statement | None:
    """GET ?statementId (voided=False) or ?voidedStatementId (voided=True)."""
    return (
        _visible(client)
        .filter(statement_id=statement_id, voided=voided)
        .only("payload", "stored", "has_attachments")
        .first()
    )


def _filtered(query: StatementQuery, client):
    rows = _visible(client).filter(voided=False)
    if query.verb:
        rows = rows.filter(verb_iri=query.verb)
    if query.activity:
        match = Q(activity_iri=query.activity)
        if query.related_activities:
            match |= Q(
                statement_id__in=StatementActivity.objects.filter(iri=query.activity).values(
                    "statement_uuid"
                )
            )
        rows = rows.filter(match)
    if query.agent:
        match = Q(actor_ifi=query.agent) | Q(object_ifi=query.agent)
        if query.related_agents:
            match |= Q(
                statement_id__in=StatementAgent.objects.filter(ifi=query.agent).values(
                    "statement_uuid"
                )
            )
            if query.agent.startswith("account:"):
                # The authority is the storing client, named by its key.
                match |= Q(client__key=query.agent.rsplit("|", 1)[-1])
        rows = rows.filter(match)
    if query.registration:
        rows = rows.filter(registration=query.registration)
    if query.since:
        rows = rows.filter(stored__gt=parse_timestamp(query.since, "since"))
    if query.until:
        rows = rows.filter(stored__lte=parse_timestamp(query.until, "until"))
    return rows


def statement_list(*, query: StatementQuery, client, cursor: str | None = None) -> StatementPage:
    """One page of statements matching the query, newest first unless ascending."""
    after = None
    if cursor:
        try:
            data = signing.loads(cursor, salt=CURSOR_SALT)
        except signing.BadSignature:
            raise BadRequest("more: this paging link is not valid") from None
        if data.get("client") != (client.pk if client else None):
            raise BadRequest("more: this paging link belongs to other credentials")
        query = StatementQuery(**data["query"])
        after = (dt.datetime.fromisoformat(data["stored"]), data["id"])
    limit = min(query.limit or PAGE_MAX, PAGE_MAX)
    rows = _filtered(query, client)
    if after is not None:
        stored, pk = after
        if query.ascending:
            rows = rows.filter(Q(stored__gt=stored) | Q(stored=stored, pk__gt=pk))
        else:
            rows = rows.filter(Q(stored__lt=stored) | Q(stored=stored, pk__lt=pk))
    order = ("stored", "id") if query.ascending else ("-stored", "-id")
    found = list(
        rows.order_by(*order).values_list("id", "stored", "payload", "has_attachments")[: limit + 1]
    )
    more = None
    if len(found) > limit:
        found = found[:limit]
        last_id, last_stored, _, _ = found[-1]
        more = signing.dumps(
            {
                "query": asdict(query),
                "stored": last_stored.isoformat(),
                "id": last_id,
                "client": client.pk if client else None,
            },
            salt=CURSOR_SALT,
            compress=True,
        )
    last = max((row[1] for row in found), default=None)
    return StatementPage(
        payloads=[row[2] for row in found],
        more=more,
        last_stored=last,
        attachment_hashes=[],
    )


def attachment_list(*, hashes: set[str]) -> dict[str, Attachment]:
    return {a.sha2: a for a in Attachment.objects.filter(sha2__in=hashes)}


def document_get(*, key_hash: str) -> Document | None:
    return Document.objects.filter(key_hash=key_hash).first()


def document_id_list(*, scope_hash: str, since: dt.datetime | None = None) -> list[str]:
    rows = Document.objects.filter(scope_hash=scope_hash)
    if since is not None:
        rows = rows.filter(updated__gt=since)
    return list(rows.order_by("updated", "id").values_list("document_id", flat=True))


def activity_definition_get(*, iri: str) -> dict | None:
    row = ActivityDefinition.objects.filter(iri=iri).values_list("definition", flat=True).first()
    return row
