"""Helpers for the LRS tests: an HTTP helper sending credentials and version, statements."""

import base64
import json
import uuid

VERSION = "2.0.0"


class Lrs:
    """The Django test client speaking xAPI: credentials and version header on every request."""

    def __init__(self, http, key, secret, version=VERSION):
        self.http = http
        self.version = version
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()

    def headers(self, extra=None, *, auth=True, version=True):
        headers = {}
        if auth:
            headers["Authorization"] = self.auth
        if version:
            headers["X-Experience-API-Version"] = self.version
        headers.update(extra or {})
        return headers

    def request(
        self,
        method,
        path,
        body=None,
        *,
        params=None,
        content_type="application/json",
        headers=None,
        auth=True,
        version=True,
    ):
        if params:
            from urllib.parse import urlencode

            path = (
                path
                + "?"
                + urlencode(
                    {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
                )
            )
        data = body if isinstance(body, bytes | str) or body is None else json.dumps(body)
        kwargs = {"headers": self.headers(headers, auth=auth, version=version)}
        if method in {"post", "put"}:
            kwargs["content_type"] = content_type
            kwargs["data"] = data or ""
        return getattr(self.http, method)(path, **kwargs)

    def post(self, body, **kwargs):
        return self.request("post", "/xapi/statements", body, **kwargs)

    def put(self, body, statement_id, **kwargs):
        return self.request("put", f"/xapi/statements?statementId={statement_id}", body, **kwargs)

    def get(self, params=None, **kwargs):
        return self.request("get", "/xapi/statements", params=params, **kwargs)


def make_statement(
    *,
    actor="mailto:ada@example.org",
    verb="http://adlnet.gov/expapi/verbs/experienced",
    activity="http://example.org/activities/intro",
    **extra,
):
    stmt = {
        "actor": {"objectType": "Agent", "name": "Ada", "mbox": actor},
        "verb": {"id": verb, "display": {"en-US": "experienced"}},
        "object": {"objectType": "Activity", "id": activity},
    }
    stmt.update(extra)
    return stmt


def new_id() -> str:
    return str(uuid.uuid4())


def ids_of(response) -> list[str]:
    """The ids of a successful GET's statements, in order."""
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


def stored(lrs, stmt) -> str:
    """PUT `stmt` under a fresh id; returns the id."""
    sid = new_id()
    assert lrs.put(stmt, sid).status_code == 204
    return sid
