"""State, Activity Profile and Agent Profile documents, with ETag concurrency control.

A document belongs to the run of the client that creates it, or to the site when that client
is site-wide; which documents a client reads and changes is the selectors' documents_visible.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from peerpath.xapi.errors import BadRequest, Conflict, PreconditionFailed
from peerpath.xapi.models import Document
from peerpath.xapi.selectors import document_find, documents_visible


@dataclass(frozen=True)
class DocumentScope:
    """Where a document lives: its resource, activity, agent and registration."""

    kind: str
    activity_iri: str = ""
    agent_ifi: str = ""
    registration: str = ""

    def scope_hash(self) -> str:
        text = "\x1f".join((self.kind, self.activity_iri, self.agent_ifi, self.registration))
        return hashlib.sha256(text.encode()).hexdigest()

    def key_hash(self, document_id: str) -> str:
        text = "\x1f".join((self.scope_hash(), document_id))
        return hashlib.sha256(text.encode()).hexdigest()


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()


def _etag_matches(header: str, etag: str) -> bool:
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    return "*" in tags or etag in tags


def check_preconditions(
    existing: Document | None, *, if_match: str | None, if_none_match: str | None, require: bool
) -> None:
    """412 when If-Match / If-None-Match fail; 409 when a required header is missing."""
    if if_match is not None and (existing is None or not _etag_matches(if_match, existing.etag)):
        raise PreconditionFailed("If-Match: the document's ETag is different (or it is gone)")
    if (
        if_none_match is not None
        and existing is not None
        and _etag_matches(if_none_match, existing.etag)
    ):
        raise PreconditionFailed("If-None-Match: the document already exists")
    if require and existing is not None and if_match is None and if_none_match is None:
        raise Conflict("the document exists: send If-Match with its ETag (or If-None-Match: *)")


def _json_object(content: bytes, content_type: str, what: str) -> dict | None:
    if not content_type.split(";")[0].strip().lower() == "application/json":
        return None
    try:
        value = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(f"{what}: not valid JSON although sent as application/json") from None
    return value if isinstance(value, dict) else None


def document_write(
    *,
    scope: DocumentScope,
    document_id: str,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    require_precondition: bool = False,
    client=None,
    now: dt.datetime | None = None,
) -> Document:
    """PUT (replace) or POST (merge JSON objects) a document."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = document_find(key_hash=scope.key_hash(document_id), client=client, lock=True)
        check_preconditions(
            existing,
            if_match=if_match,
            if_none_match=if_none_match,
            require=require_precondition and not merge,
        )
        if merge and existing is not None:
            old = _json_object(bytes(existing.content), existing.content_type, "stored document")
            new = _json_object(content, content_type, "body")
            if old is None or new is None:
                raise BadRequest(
                    "POST merges JSON objects only: the stored document or the body "
                    "is not a JSON object sent as application/json"
                )
            old.update(new)
            content = json.dumps(old, ensure_ascii=False).encode()
            content_type = "application/json"
        elif (
            merge
            and _json_object(content, content_type, "body") is None
            and content_type.startswith("application/json")
        ):
            raise BadRequest("body: POST of a JSON document must send a JSON object")
        if existing is None:
            existing = Document(
                run_id=client.run_id if client is not None else None,
                kind=scope.kind,
                activity_iri=scope.activity_iri,
                agent_ifi=scope.agent_ifi,
                registration=scope.registration,
                document_id=document_id,
                key_hash=scope.key_hash(document_id),
                scope_hash=scope.scope_hash(),
            )
        existing.content = content
        existing.content_type = content_type or "application/octet-stream"
        existing.etag = etag_of(content)
        existing.updated = now
        existing.client = client
        try:
            existing.save()
        except IntegrityError:
            # Another request created the same document meanwhile (there was no row to lock).
            raise Conflict(
                f"the document {document_id[:80]!r} was created by another request at the "
                "same moment; read it and send If-Match"
            ) from None
    return existing


def document_delete(
    *,
    scope: DocumentScope,
    document_id: str | None,
    since: dt.datetime | None = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
    client=None,
) -> int:
    """Delete one document, or (State only) every document in the scope the client sees, or
    those of them updated after `since`; return how many."""
    with transaction.atomic():
        if document_id is None:
            rows = documents_visible(client).filter(scope_hash=scope.scope_hash())
            if since is not None:
                rows = rows.filter(updated__gt=since)
            deleted, _ = rows.delete()
            return deleted
        existing = document_find(key_hash=scope.key_hash(document_id), client=client, lock=True)
        check_preconditions(existing, if_match=if_match, if_none_match=if_none_match, require=False)
        if existing is None:
            return 0
        existing.delete()
        return 1
