"""Storing statements: validate all, refuse a whole batch on any error, write in one transaction."""

import datetime as dt
import functools
import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from peerpath.xapi.errors import BadRequest, Conflict, Forbidden
from peerpath.xapi.models import (
    MEMBER,
    ActivityDefinition,
    Attachment,
    Statement,
    StatementActivity,
    StatementAgent,
)
from peerpath.xapi.services.progress import statement_effects_apply, statement_effects_undo
from peerpath.xapi.services.rows import db_datetime, db_uuid, insert_rows
from peerpath.xapi.services.targets import target_plan, target_rows_insert
from peerpath.xapi.validation import Invalid, validate_statement
from peerpath.xapi.validation.facts import StatementFacts, same_statement, statement_facts
from peerpath.xapi.validation.formats import context_activities_as_arrays
from peerpath.xapi.validation.signature import check_signature, signature_attachments


@dataclass
class Incoming:
    statement: dict
    facts: StatementFacts
    statement_id: str
    index: int = 0


def format_instant(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _prepare(
    statements: list, *, version: str, statement_id: str | None, many: bool
) -> list[Incoming]:
    prepared = []
    seen: set[str] = set()
    for index, stmt in enumerate(statements):
        path = f"statements[{index}]" if many else ""
        validate_statement(stmt, path, version=version)
        if statement_id is not None:
            if "id" in stmt and stmt["id"].lower() != statement_id:
                raise Invalid(
                    f"{path}id" if not path else f"{path}.id",
                    "does not match the statementId parameter",
                )
            ident = statement_id
        else:
            ident = stmt["id"].lower() if "id" in stmt else str(uuid.uuid4())
        if ident in seen:
            raise Invalid(f"{path}.id" if path else "id", f"repeats {ident} within the batch")
        seen.add(ident)
        prepared.append(Incoming(stmt, statement_facts(stmt), ident, index))
    return prepared


def _finish(incoming: Incoming, *, stored: str, authority: dict, version: str) -> dict:
    """The statement as it will be returned: as received plus what the LRS sets, with every
    contextActivities value an array (Data 2.4.6.2)."""
    stmt = context_activities_as_arrays(incoming.statement)
    out = {"id": incoming.statement_id}
    out.update((key, value) for key, value in stmt.items() if key != "id")
    out.setdefault("timestamp", stored)
    out["stored"] = stored
    out["authority"] = authority
    out.setdefault("version", "1.0.0" if version.startswith("1.") else "2.0.0")
    return out


def _drop_known(prepared: list[Incoming]) -> list[Incoming]:
    """Statements already stored with the same content are accepted again and skipped."""
    existing = dict(
        Statement.objects.filter(
            statement_id__in=[item.statement_id for item in prepared]
        ).values_list("statement_id", "payload")
    )
    if not existing:
        return prepared
    known = {str(key): value for key, value in existing.items()}
    fresh = []
    for item in prepared:
        payload = known.get(item.statement_id)
        if payload is None:
            fresh.append(item)
        elif not same_statement(json.loads(payload), item.statement):
            raise Conflict(f"statement {item.statement_id} is already stored with other content")
    return fresh


def _check_voiding(prepared: list[Incoming], *, many: bool, client) -> None:
    targets = {item.facts.voids for item in prepared if item.facts.voids}
    if not targets:
        return
    if client.run_id is not None:
        # Credentials scoped to a run read only that run's statements; they may not void others.
        foreign = (
            Statement.objects.filter(statement_id__in=targets)
            .exclude(client__run_id=client.run_id)
            .values_list("statement_id", flat=True)
            .first()
        )
        if foreign is not None:
            raise Forbidden(
                f"object.id: statement {foreign} belongs to another run; these credentials "
                "may not void it"
            )
    voiding_in_batch = {item.statement_id for item in prepared if item.facts.voids}
    stored_voiding = {
        str(value)
        for value in Statement.objects.filter(
            statement_id__in=targets, voids__isnull=False
        ).values_list("statement_id", flat=True)
    }
    for item in prepared:
        target = item.facts.voids
        if target and (target in voiding_in_batch or target in stored_voiding):
            raise Invalid(
                f"statements[{item.index}].object.id" if many else "object.id",
                f"statement {target} is itself a voiding statement and cannot be voided",
            )


def _learners(prepared: list[Incoming]) -> dict[str, int]:
    """PeerPath users the actors name: by e-mail (mbox, or an account name that is one), or by
    an account on this site ({"homePage": SITE_URL, "name": username}).

    Keys: the lower-cased e-mail, or "account:" + username.
    """
    emails = {email for item in prepared for email in item.facts.learner_emails}
    usernames = {
        item.facts.account[1]
        for item in prepared
        if item.facts.account and item.facts.account[0] == settings.SITE_URL
    }
    found = {}
    users = get_user_model().objects
    if emails:
        candidates = emails | {email.lower() for email in emails}
        for email, pk in users.filter(email__in=candidates).values_list("email", "pk"):
            found[email.lower()] = pk
    if usernames:
        for username, pk in users.filter(username__in=usernames).values_list("username", "pk"):
            found["account:" + username] = pk
    return found


def _learner_of(facts: StatementFacts, learners: dict[str, int]) -> int | None:
    for email in facts.learner_emails:
        if email.lower() in learners:
            return learners[email.lower()]
    if facts.account:
        return learners.get("account:" + facts.account[1])
    return None


def statement_store(
    *,
    statements: list,
    client,
    version: str,
    statement_id: str | None = None,
    many: bool = False,
    attachments: dict | None = None,
    now: dt.datetime | None = None,
) -> list[str]:
    """Validate and store statements; return their ids in the order given.

    Raises Invalid (400), Conflict (409), Forbidden (403) or BadRequest; on any of them
    nothing is stored.
    """
    prepared = _prepare(statements, version=version, statement_id=statement_id, many=many)
    ids = [item.statement_id for item in prepared]
    _check_attachments(prepared, attachments or {})
    now = now or timezone.now()
    write = functools.partial(
        _write,
        client=client,
        now=now,
        stored=format_instant(now),
        authority=client.authority(),
        version=version,
        attachments=attachments or {},
    )
    try:
        # Nearly every batch is new: write it at once. Only when an id is already stored does
        # the database refuse; the attempt is then rolled back whole and the batch compared
        # with what is stored (resending a stored statement is allowed, changing it is not).
        with transaction.atomic():
            _check_voiding(prepared, many=many, client=client)
            write(prepared)
    except IntegrityError:
        try:
            with transaction.atomic():
                fresh = _drop_known(prepared)
                if fresh:
                    _check_voiding(fresh, many=many, client=client)
                    write(fresh)
        except IntegrityError:
            raise Conflict(
                "a statement with one of these ids was stored at the same moment"
            ) from None
    return ids


STATEMENT_COLUMNS = [
    "statement_id",
    "payload",
    "stored",
    "verb_iri",
    "activity_iri",
    "actor_ifi",
    "object_ifi",
    "registration",
    "voids",
    "voided",
    "has_attachments",
    "client",
    "user",
]


def _write(fresh: list[Incoming], *, client, now, stored, authority, version, attachments) -> None:
    learners = _learners(fresh)
    targets = target_plan(
        [
            (item.statement_id, item.facts.statement_ref, item.facts.voids is not None)
            for item in fresh
        ]
    )
    stored_db = db_datetime(now)
    rows, related_activities, related_agents = [], [], []
    completing = {}
    for item in fresh:
        facts = item.facts
        user_id = _learner_of(facts, learners)
        voided = item.statement_id in targets.voided_on_arrival
        payload = _finish(item, stored=stored, authority=authority, version=version)
        statement_uuid = db_uuid(item.statement_id)
        rows.append(
            (
                statement_uuid,
                json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                stored_db,
                facts.verb,
                facts.activity_iri,
                facts.actor_ifi,
                facts.object_ifi,
                db_uuid(facts.registration),
                db_uuid(facts.voids),
                voided,
                "attachments" in item.statement,
                client.pk,
                user_id,
            )
        )
        related_activities += [(statement_uuid, iri) for iri in facts.related_activities]
        related_agents += [(statement_uuid, ifi) for ifi in facts.related_agents]
        if facts.member_agents:
            related_agents += [(statement_uuid, MEMBER + ifi) for ifi in facts.member_agents]
        if facts.completes and user_id is not None and not voided:
            completing[item.statement_id] = facts
    insert_rows(Statement, STATEMENT_COLUMNS, rows)
    insert_rows(StatementActivity, ["statement_uuid", "iri"], related_activities)
    insert_rows(StatementAgent, ["statement_uuid", "ifi"], related_agents)
    target_rows_insert(targets)
    _remember_definitions(fresh, now)
    if attachments:
        Attachment.objects.bulk_create(
            [
                Attachment(sha2=sha2, content_type=kind, content=body)
                for sha2, (kind, body) in attachments.items()
            ],
            ignore_conflicts=True,
        )
    if completing:
        statement_effects_apply(completing=completing, client=client)
    voiding_targets = [item.facts.voids for item in fresh if item.facts.voids]
    if voiding_targets:
        voided = list(
            Statement.objects.filter(
                statement_id__in=voiding_targets, voids__isnull=True, voided=False
            ).values_list("pk", flat=True)
        )
        Statement.objects.filter(pk__in=voided).update(voided=True)
        statement_effects_undo(statement_pks=voided)


# The definition each activity IRI was last stored with by this process. Most batches repeat
# known activities unchanged, so they cost no query; another process may have stored a newer
# definition meanwhile, which then stays until a changed one arrives here.
_DEFINITIONS: dict[str, str] = {}
_DEFINITIONS_MAX = 100_000


def _remember_definitions(fresh: list[Incoming], now) -> None:
    """Keep the latest definition of each activity in the Activities resource."""
    changed = {}
    for item in fresh:
        definition = item.facts.definition
        if definition:
            text = json.dumps(definition, sort_keys=True)
            if _DEFINITIONS.get(item.facts.activity_iri) != text:
                changed[item.facts.activity_iri] = (definition, text)
    if not changed:
        return
    ActivityDefinition.objects.bulk_create(
        [
            ActivityDefinition(iri=iri, definition=definition, updated=now)
            for iri, (definition, _) in changed.items()
        ],
        update_conflicts=True,
        unique_fields=["iri"],
        update_fields=["definition", "updated"],
    )

    def remember():
        if len(_DEFINITIONS) > _DEFINITIONS_MAX:
            _DEFINITIONS.clear()
        _DEFINITIONS.update((iri, text) for iri, (_, text) in changed.items())

    transaction.on_commit(remember)


def _check_attachments(prepared: list[Incoming], attachments: dict) -> None:
    """Every attachment declared without a fileUrl must have arrived, and every part be used."""
    declared = set()
    for index, item in enumerate(prepared):
        for number, attachment in enumerate(item.statement.get("attachments") or []):
            declared.add(attachment["sha2"])
            if "fileUrl" not in attachment and attachment["sha2"] not in attachments:
                raise BadRequest(
                    f"statements[{index}].attachments[{number}].sha2: no multipart part carries "
                    "this attachment (and it has no fileUrl)"
                )
    for index, item in enumerate(prepared):
        for number, attachment in signature_attachments(item.statement):
            at = f"statements[{index}].attachments[{number}]"
            if attachment["contentType"] != "application/octet-stream":
                raise Invalid(f"{at}.contentType", "a signature must be application/octet-stream")
            part = attachments.get(attachment["sha2"])
            if part is None:
                raise Invalid(f"{at}.sha2", "the signature must be sent as a multipart part")
            check_signature(item.statement, part[1], at)
    extra = set(attachments) - declared
    if extra:
        raise BadRequest(
            f"multipart part with X-Experience-API-Hash {sorted(extra)[0]} matches "
            "no attachment of the statements"
        )
