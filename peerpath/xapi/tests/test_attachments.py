"""Attachments in multipart/mixed with their SHA-2 hashes, and signed statements."""

import base64
import hashlib
import json

import pytest

from peerpath.xapi.models import Statement
from peerpath.xapi.tests.helpers import make_statement, new_id

pytestmark = pytest.mark.django_db
BOUNDARY = "abc123boundary"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def attachment_for(
    content: bytes, usage="http://example.org/usage/cert", content_type="text/plain"
):
    return {
        "usageType": usage,
        "display": {"en": "file"},
        "contentType": content_type,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def multipart(statements, parts):
    out = [
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode()
        + json.dumps(statements).encode()
    ]
    for content, sha2 in parts:
        out.append(
            f"--{BOUNDARY}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode()
            + content
        )
    return b"\r\n".join(out) + f"\r\n--{BOUNDARY}--\r\n".encode()


def post_mixed(lrs, statements, parts):
    return lrs.post(
        multipart(statements, parts), content_type=f'multipart/mixed; boundary="{BOUNDARY}"'
    )


@pytest.mark.xapi_req("COMM-1.5.2-a", "COMM-1.5.2-g", "COMM-2.1.3-e")
def test_attachment_is_stored_and_returned_in_multipart_when_asked(lrs):
    content = b"certificate \x00\xff bytes"
    stmt = make_statement(attachments=[attachment_for(content)])
    response = post_mixed(lrs, stmt, [(content, hashlib.sha256(content).hexdigest())])
    assert response.status_code == 200, response.content
    [sid] = response.json()
    got = lrs.get({"statementId": sid, "attachments": "true"})
    assert got["Content-Type"].startswith("multipart/mixed")
    assert content in got.content
    assert b'"statementId"' not in got.content and sid.encode() in got.content


@pytest.mark.xapi_req("COMM-1.5.2-f")
def test_part_whose_content_does_not_match_its_hash_is_400(lrs):
    content = b"real"
    stmt = make_statement(attachments=[attachment_for(content)])
    response = post_mixed(lrs, stmt, [(b"fake", hashlib.sha256(content).hexdigest())])
    assert response.status_code == 400
    assert "X-Experience-API-Hash" in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


@pytest.mark.xapi_req("COMM-1.5.2-b")
def test_attachment_without_file_url_needs_its_part(lrs):
    stmt = make_statement(attachments=[attachment_for(b"missing")])
    response = lrs.post(stmt)
    assert response.status_code == 400
    assert "attachments[0].sha2" in response.json()["error"]["message"]


@pytest.mark.xapi_req("COMM-1.5.1-b")
def test_attachment_with_file_url_needs_no_part(lrs):
    attachment = attachment_for(b"remote") | {"fileUrl": "https://example.org/file.txt"}
    assert lrs.post(make_statement(attachments=[attachment])).status_code == 200


@pytest.mark.xapi_req("COMM-1.5.2-c")
def test_part_matching_no_attachment_is_400(lrs):
    response = post_mixed(lrs, make_statement(), [(b"x", hashlib.sha256(b"x").hexdigest())])
    assert response.status_code == 400


def unsigned_jws(payload: dict, alg="RS256") -> bytes:
    def enc(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{enc({'alg': alg})}.{enc(payload)}.c2lnbmF0dXJl".encode()


def signed_post(lrs, signed_payload, alg="RS256", sign=unsigned_jws):
    stmt = make_statement(id=new_id())
    token = sign(signed_payload(stmt), alg)
    attachment = attachment_for(token, usage=SIGNATURE, content_type="application/octet-stream")
    stmt["attachments"] = [attachment]
    return post_mixed(lrs, stmt, [(token, attachment["sha2"])])


@pytest.mark.xapi_req("DATA-2.6-a")
def test_signed_statement_whose_jws_payload_matches_is_accepted(lrs):
    assert signed_post(lrs, lambda stmt: dict(stmt)).status_code == 200


@pytest.mark.xapi_req("DATA-2.6-a", "DATA-2.6-b")
def test_signed_statement_with_a_different_payload_or_algorithm_is_400(lrs):
    changed = signed_post(lrs, lambda stmt: dict(stmt, verb={"id": "http://e.org/other"}))
    assert changed.status_code == 400
    assert "does not match" in changed.json()["error"]["message"]
    assert signed_post(lrs, lambda stmt: dict(stmt), alg="HS256").status_code == 400
    assert Statement.objects.count() == 0


@pytest.mark.xapi_req("DATA-2.6-c")
def test_signature_attachment_must_be_application_octet_stream(lrs):
    stmt = make_statement(id=new_id())
    token = unsigned_jws(dict(stmt))
    attachment = attachment_for(token, usage=SIGNATURE, content_type="text/plain; charset=ascii")
    stmt["attachments"] = [attachment]
    response = post_mixed(lrs, stmt, [(token, attachment["sha2"])])
    assert response.status_code == 400
    assert "contentType" in response.json()["error"]["message"]
