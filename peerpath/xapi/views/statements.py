"""The Statements resource: PUT, POST (single, batch, multipart with attachments), GET."""

import json

from django.http import HttpResponse
from django.urls import reverse

from peerpath.xapi import selectors
from peerpath.xapi.errors import BadRequest, NotFound
from peerpath.xapi.services import statement_store
from peerpath.xapi.validation.formats import canonical_format, ids_format, parse_accept_language
from peerpath.xapi.views import params as p
from peerpath.xapi.views.base import (
    json_text_response,
    last_modified,
    parse_json_body,
    read_body,
    xapi_endpoint,
)
from peerpath.xapi.views.multipart import build_mixed, parse_mixed


@xapi_endpoint(methods={"GET", "HEAD", "PUT", "POST"}, consistent_through_header=True)
def statements(request):
    if request.method == "PUT":
        return _put(request)
    if request.method == "POST":
        return _post(request)
    return _get(request)


def _body(request):
    """The JSON statements and the attachments of a plain or multipart/mixed request."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.lower().startswith("multipart/mixed"):
        raw, attachments = parse_mixed(read_body(request), content_type)
        try:
            return json.loads(raw.decode("utf-8")), attachments
        except UnicodeDecodeError:
            raise BadRequest("body: the statements part is not UTF-8 text") from None
        except ValueError as error:
            raise BadRequest(f"body: malformed JSON in the statements part ({error})") from None
    if content_type and not content_type.lower().startswith("application/json"):
        raise BadRequest(
            f"Content-Type: {content_type[:60]!r}; send application/json or multipart/mixed"
        )
    return parse_json_body(request), {}


def _put(request):
    p.check_known(request.GET, {"statementId"})
    statement_id = p.uuid_param(request.GET, "statementId")
    if statement_id is None:
        raise BadRequest("statementId: the parameter is required for PUT")
    body, attachments = _body(request)
    if not isinstance(body, dict):
        raise BadRequest("body: PUT takes one statement as a JSON object")
    statement_store(
        statements=[body],
        client=request.xapi_client,
        version=request.xapi_version,
        statement_id=statement_id,
        attachments=attachments,
    )
    return HttpResponse(status=204)


def _post(request):
    p.check_known(request.GET, set())
    body, attachments = _body(request)
    many = isinstance(body, list)
    if not many and not isinstance(body, dict):
        raise BadRequest("body: must be a statement object or an array of statements")
    ids = statement_store(
        statements=body if many else [body],
        client=request.xapi_client,
        version=request.xapi_version,
        many=many,
        attachments=attachments,
    )
    return json_text_response(json.dumps(ids))


def _render(payloads: list[str], request, fmt: str) -> list[str]:
    if fmt == "exact":
        return payloads
    preferred = parse_accept_language(request.headers.get("Accept-Language", ""))
    out = []
    for payload in payloads:
        stmt = json.loads(payload)
        stmt = ids_format(stmt) if fmt == "ids" else canonical_format(stmt, preferred)
        out.append(json.dumps(stmt, ensure_ascii=False, separators=(",", ":")))
    return out


def _with_attachments(text: str, payloads: list[str]) -> HttpResponse:
    hashes = set()
    for payload in payloads:
        if '"attachments"' in payload:
            for attachment in json.loads(payload).get("attachments", []):
                hashes.add(attachment["sha2"])
    found = selectors.attachment_list(hashes=hashes)
    body, content_type = build_mixed(text.encode(), [found[h] for h in sorted(found)])
    return HttpResponse(body, content_type=content_type)


def _get(request):
    params = request.GET
    p.check_known(params, p.STATEMENT_PARAMS)
    if "statementId" in params or "voidedStatementId" in params:
        return _get_one(request)
    if "more" in params:
        p.check_known(params, {"more"})
        page = selectors.statement_list(
            query=selectors.StatementQuery(), client=request.xapi_client, cursor=params["more"]
        )
        query_format, attachments = "exact", False
    else:
        query = p.statement_query(params)
        page = selectors.statement_list(query=query, client=request.xapi_client)
        query_format, attachments = query.format, query.attachments
    if page.more:
        more = reverse("xapi:statements") + "?more=" + page.more
    else:
        more = ""
    rendered = _render(page.payloads, request, query_format)
    text = '{"statements":[' + ",".join(rendered) + '],"more":' + json.dumps(more) + "}"
    if attachments:
        response = _with_attachments(text, page.payloads)
    else:
        response = json_text_response(text)
    return last_modified(response, page.last_stored)


def _get_one(request):
    params = request.GET
    p.check_known(params, p.SINGLE_PARAMS)
    if "statementId" in params and "voidedStatementId" in params:
        raise BadRequest("statementId: use either statementId or voidedStatementId, not both")
    voided = "voidedStatementId" in params
    name = "voidedStatementId" if voided else "statementId"
    statement_id = p.uuid_param(params, name)
    fmt = p.statement_format(params)
    attachments = p.boolean(params, "attachments")
    row = selectors.statement_get(
        statement_id=statement_id, voided=voided, client=request.xapi_client
    )
    if row is None:
        raise NotFound(f"{name}: no {'voided ' if voided else ''}statement {statement_id}")
    text = _render([row.payload], request, fmt)[0]
    if attachments:
        response = _with_attachments(text, [row.payload])
    else:
        response = json_text_response(text)
    return last_modified(response, row.stored)
