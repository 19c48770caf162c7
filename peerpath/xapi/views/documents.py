"""The document resources (State, Activity and Agent Profile); Activities, Agents, About."""

import json

from django.http import HttpResponse, JsonResponse

from peerpath.xapi import selectors
from peerpath.xapi.errors import BadRequest, NotFound
from peerpath.xapi.services import document_delete, document_write
from peerpath.xapi.services.documents import DocumentScope
from peerpath.xapi.views import params as p
from peerpath.xapi.views.base import last_modified, read_body, xapi_endpoint

DOCUMENT_METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE"}


def _document_response(
    request, scope: DocumentScope, id_name: str, *, many_allowed=True, delete_many=False
):
    params = request.GET
    document_id = params.get(id_name)
    if request.method in {"PUT", "POST"} and document_id is None:
        raise BadRequest(f"{id_name}: the parameter is required for {request.method}")
    if request.method in {"PUT", "POST"}:
        if "since" in params:
            raise BadRequest("since: only for GET of several documents")
        document = document_write(
            scope=scope,
            document_id=document_id,
            content=read_body(request),
            content_type=request.META.get("CONTENT_TYPE", ""),
            merge=request.method == "POST",
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match"),
            require_precondition=scope.kind != "state" or request.xapi_version.startswith("2"),
            client=request.xapi_client,
        )
        response = HttpResponse(status=204)
        response["ETag"] = f'"{document.etag}"'
        return response
    if request.method == "DELETE":
        if document_id is None and not delete_many:
            raise BadRequest(f"{id_name}: the parameter is required for DELETE")
        if document_id is not None and "since" in params:
            raise BadRequest(f"since: not allowed together with {id_name}")
        document_delete(
            scope=scope,
            document_id=document_id,
            since=p.timestamp_param(params, "since"),
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match"),
            client=request.xapi_client,
        )
        return HttpResponse(status=204)
    if document_id is None:
        since = p.timestamp_param(params, "since")
        ids = selectors.document_id_list(
            scope_hash=scope.scope_hash(), client=request.xapi_client, since=since
        )
        return JsonResponse(ids, safe=False)
    if "since" in params:
        raise BadRequest(f"since: not allowed together with {id_name}")
    document = selectors.document_get(
        key_hash=scope.key_hash(document_id), client=request.xapi_client
    )
    if document is None:
        raise NotFound(f"{id_name}: no document {document_id[:80]!r}")
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["ETag"] = f'"{document.etag}"'
    return last_modified(response, document.updated)


@xapi_endpoint(methods=DOCUMENT_METHODS)
def state(request):
    p.check_known(request.GET, {"activityId", "agent", "registration", "stateId", "since"})
    scope = DocumentScope(
        kind="state",
        activity_iri=p.iri_param(request.GET, "activityId"),
        agent_ifi=p.agent_param(request.GET),
        registration=p.uuid_param(request.GET, "registration") or "",
    )
    return _document_response(request, scope, "stateId", delete_many=True)


@xapi_endpoint(methods=DOCUMENT_METHODS)
def activity_profile(request):
    p.check_known(request.GET, {"activityId", "profileId", "since"})
    scope = DocumentScope(
        kind="activity_profile", activity_iri=p.iri_param(request.GET, "activityId")
    )
    return _document_response(request, scope, "profileId")


@xapi_endpoint(methods=DOCUMENT_METHODS)
def agent_profile(request):
    p.check_known(request.GET, {"agent", "profileId", "since"})
    # "The agent parameter is an Agent Object and not a Group" (Communication 2.6).
    scope = DocumentScope(
        kind="agent_profile", agent_ifi=p.agent_param(request.GET, allow_group=False)
    )
    return _document_response(request, scope, "profileId")


@xapi_endpoint(methods={"GET", "HEAD"})
def activities(request):
    p.check_known(request.GET, {"activityId"})
    iri = p.iri_param(request.GET, "activityId")
    activity = {"objectType": "Activity", "id": iri}
    definition = selectors.activity_definition_get(iri=iri)
    if definition:
        activity["definition"] = definition
    return JsonResponse(activity)


@xapi_endpoint(methods={"GET", "HEAD"})
def agents(request):
    p.check_known(request.GET, {"agent"})
    p.agent_param(request.GET, allow_group=False)
    agent = json.loads(request.GET["agent"])
    person = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return JsonResponse(person)


@xapi_endpoint(methods={"GET", "HEAD"}, auth=False, version_required=False)
def about(request):
    return JsonResponse(
        {
            "version": ["1.0.3", "2.0.0"],
            "extensions": {"https://peerpath.org/xapi/lrs": {"name": "PeerPath LRS"}},
        }
    )


@xapi_endpoint(methods={"GET", "HEAD", "PUT", "POST", "DELETE"}, auth=False, version_required=False)
def unknown_resource(request, path):
    # A 404 of the LRS still names the xAPI version, as every response must (Communication 3.3).
    raise NotFound(f"{request.path[:100]}: no such xAPI resource")
