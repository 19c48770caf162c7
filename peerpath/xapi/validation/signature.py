"""Signed statements: the JWS in a signature attachment must be well formed and match.

The signature itself is not verified against a certificate (no crypto library in the stack);
the spec makes that a SHOULD. Structure, algorithm and payload are checked, as the MUSTs ask.
"""

import base64
import binascii
import json

from peerpath.xapi.validation.errors import Invalid
from peerpath.xapi.validation.facts import same_statement

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = {"RS256", "RS384", "RS512"}


def _b64(part: str, path: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise Invalid(path, "the JWS is not base64url encoded") from None


def check_signature(stmt: dict, jws: bytes, path: str) -> None:
    """Raise Invalid unless `jws` is a compact RS256/384/512 JWS whose payload is `stmt`."""
    try:
        text = jws.decode("ascii").strip()
    except UnicodeDecodeError:
        raise Invalid(path, "the signature is not a compact JWS") from None
    parts = text.split(".")
    if len(parts) != 3 or not all(parts):
        raise Invalid(path, "the signature is not a compact JWS (header.payload.signature)")
    try:
        header = json.loads(_b64(parts[0], path))
        payload = json.loads(_b64(parts[1], path))
    except ValueError:
        raise Invalid(path, "the JWS header or payload is not JSON") from None
    if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
        raise Invalid(path, "the JWS algorithm must be RS256, RS384 or RS512")
    if not isinstance(payload, dict):
        raise Invalid(path, "the JWS payload is not a statement")
    original = {key: value for key, value in stmt.items() if key != "attachments"}
    signed = {key: value for key, value in payload.items() if key != "attachments"}
    if "id" in signed and "id" in stmt and signed["id"].lower() != stmt["id"].lower():
        raise Invalid(path, "the JWS payload has another statement id")
    if not same_statement(signed, original):
        raise Invalid(path, "the JWS payload does not match the statement")


def signature_attachments(stmt: dict) -> list[tuple[int, dict]]:
    return [
        (index, attachment)
        for index, attachment in enumerate(stmt.get("attachments") or [])
        if attachment.get("usageType") == SIGNATURE_USAGE
    ]
