"""Reads of the LRS: statements by id and by the spec's filters, documents, activities."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.core import signing
from django.db.models import Exists, F, OuterRef, Q

from peerpath.xapi.errors import BadRequest, Conflict
from peerpath.xapi.models import (
    MEMBER,
    ActivityDefinition,
    Attachment,
    Document,
    Statement,
    StatementActivity,
    StatementAgent,
    StatementTarget,
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


def _matching(query: StatementQuery) -> Q | None:
    """The filters other than time and paging, on a statement's own columns (None: no filter)."""
    conditions = []
    if query.verb:
        conditions.append(Q(verb_iri=query.verb))
    if query.activity:
        match = Q(activity_iri=query.activity)
        if query.related_activities:
            match |= Q(
                statement_id__in=StatementActivity.objects.filter(iri=query.activity).values(
                    "statement_uuid"
                )
            )
        conditions.append(match)
    if query.agent:
        match = Q(actor_ifi=query.agent) | Q(object_ifi=query.agent)
        member = MEMBER + query.agent
        # Most agents are in no Group: one index probe keeps their query on the fast path.
        if StatementAgent.objects.filter(ifi=member).exists():
            match |= Q(
                statement_id__in=StatementAgent.objects.filter(ifi=member).values("statement_uuid")
            )
        if query.related_agents:
            match |= Q(
                statement_id__in=StatementAgent.objects.filter(ifi=query.agent).values(
                    "statement_uuid"
                )
            )
            if query.agent.startswith("account:"):
                # The authority is the storing client, named by its key.
                match |= Q(client__key=query.agent.rsplit("|", 1)[-1])
        conditions.append(match)
    if query.registration:
        conditions.append(Q(registration=query.registration))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined &= condition
    return combined


def _in_window(rows, query: StatementQuery, after, ascending: bool):
    rows = rows.filter(voided=False)
    if query.since:
        rows = rows.filter(stored__gt=parse_timestamp(query.since, "since"))
    if query.until:
        rows = rows.filter(stored__lte=parse_timestamp(query.until, "until"))
    if after is not None:
        stored, pk = after
        if ascending:
            rows = rows.filter(Q(stored__gt=stored) | Q(stored=stored, pk__gt=pk))
        else:
            rows = rows.filter(Q(stored__lt=stored) | Q(stored=stored, pk__lt=pk))
    return rows


def _referring(query: StatementQuery, client, matching: Q):
    """Statements that match because a statement down their StatementRef chain matches.

    The spec: a statement targeting another meets the filter conditions (other than time and
    paging) when its target does, recursively; the target may be voided.
    """
    if not StatementTarget.objects.exists():
        return None
    target_matches = _visible(client).filter(matching, statement_id=OuterRef("target_uuid"))
    chains = StatementTarget.objects.filter(Exists(target_matches)).values("statement_uuid")
    return _visible(client).filter(statement_id__in=chains)


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
    order = ("stored", "id") if query.ascending else ("-stored", "-id")
    columns = ("id", "stored", "payload", "has_attachments")
    matching = _matching(query)
    own = _visible(client) if matching is None else _visible(client).filter(matching)
    found = list(
        _in_window(own, query, after, query.ascending)
        .order_by(*order)
        .values_list(*columns)[: limit + 1]
    )
    referring = None if matching is None else _referring(query, client, matching)
    if referring is not None:
        extra = _in_window(referring, query, after, query.ascending).order_by(*order)
        merged = {row[0]: row for row in found}
        merged.update((row[0], row) for row in extra.values_list(*columns)[: limit + 1])
        found = sorted(
            merged.values(), key=lambda row: (row[1], row[0]), reverse=not query.ascending
        )[: limit + 1]
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


def documents_visible(client):
    """A client scoped to a run sees the documents of that run; a site-wide client sees the
    site's and every run's."""
    rows = Document.objects.all()
    if client is not None and client.run_id is not None:
        rows = rows.filter(run_id=client.run_id)
    return rows


def document_find(*, key_hash: str, client, lock: bool = False) -> Document | None:
    """The document a key names for this client, or None.

    For a site-wide client: the site's own document, else the one run's that holds the key;
    when several runs hold it and the site does not, which one is meant cannot be told, and
    the answer is a Conflict rather than a guess (with `lock`, the rows are locked for update).
    """
    rows = documents_visible(client).filter(key_hash=key_hash)
    if lock:
        rows = rows.select_for_update()
    found = list(rows.order_by(F("run_id").asc(nulls_first=True))[:2])
    if len(found) == 2 and found[0].run_id is not None:
        raise Conflict(
            "documents with this id exist for several runs: use the credentials of a client "
            "scoped to the run whose document is meant"
        )
    return found[0] if found else None


def document_get(*, key_hash: str, client) -> Document | None:
    return document_find(key_hash=key_hash, client=client)


def document_id_list(*, scope_hash: str, client, since: dt.datetime | None = None) -> list[str]:
    """The ids of the documents in a scope, oldest update first, each id once."""
    rows = documents_visible(client).filter(scope_hash=scope_hash)
    if since is not None:
        rows = rows.filter(updated__gt=since)
    ids = rows.order_by("updated", "id").values_list("document_id", flat=True)
    return list(dict.fromkeys(ids))


def activity_definition_get(*, iri: str) -> dict | None:
    row = ActivityDefinition.objects.filter(iri=iri).values_list("definition", flat=True).first()
    return row
