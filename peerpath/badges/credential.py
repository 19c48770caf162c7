"""Open Badges 3.0 credentials: build, sign and verify (pure: no Django).

A credential is an `OpenBadgeCredential` (OB 3.0, on the W3C Verifiable Credentials data
model) secured with the VC-JWT proof format of OB 3.0 §8.2: a compact JWS whose payload holds
the credential under the `vc` claim beside the registered claims `iss` (issuer id), `jti`
(credential id), `nbf` (issuance) and, when set, `exp`. It is signed with the issuer's Ed25519
key (JOSE `alg` "EdDSA", RFC 8037); the header names the key by `kid`, a URL in the issuer's
published key set. The recipient is named by a salted SHA-256 hash of their e-mail address
(`IdentityObject`), so the file does not reveal the address.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
]
SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
STATUS_TYPE = "1EdTechRevocationList"


class CredentialInvalid(Exception):
    """The credential cannot be trusted; `reason` says why in plain words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash of an e-mail address: 'sha256$' + hex(sha256(address + salt))."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def profile(*, issuer_id: str, name: str, url: str, email: str = "") -> dict:
    data = {"id": issuer_id, "type": ["Profile"], "name": name, "url": url}
    if email:
        data["email"] = email
    return data


def achievement(
    *, achievement_id: str, name: str, description: str, criteria: str, language: str = "en",
    criteria_url: str = "",
) -> dict:
    criteria_data = {"narrative": criteria}
    if criteria_url:
        criteria_data["id"] = criteria_url
    data = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": name,
        "description": description,
        "criteria": criteria_data,
    }
    if language and "-" not in language and 2 <= len(language) <= 4:
        data["@language"] = language
    return data


def credential_build(
    *,
    credential_id: str,
    issuer: dict,
    achievement: dict,
    email: str,
    salt: str,
    issued_at: dt.datetime,
    awarded_at: dt.datetime | None = None,
    status_url: str = "",
) -> dict:
    """The unsigned OpenBadgeCredential."""
    data = {
        "@context": list(CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement["name"],
        "issuer": issuer,
        "issuanceDate": _timestamp(issued_at),
        "awardedDate": _timestamp(awarded_at or issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": achievement,
        },
        "credentialSchema": [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if status_url:
        data["credentialStatus"] = {"id": status_url, "type": STATUS_TYPE}
    return data


def credential_sign(credential: dict, *, private_key: bytes, kid: str) -> str:
    """The credential as a VC-JWT (compact JWS, EdDSA over Ed25519)."""
    issued = dt.datetime.fromisoformat(credential["issuanceDate"].replace("Z", "+00:00"))
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(issued.timestamp()),
        "vc": credential,
    }
    if "expirationDate" in credential:
        expires = dt.datetime.fromisoformat(credential["expirationDate"].replace("Z", "+00:00"))
        claims["exp"] = int(expires.timestamp())
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    )
    signature = Ed25519PrivateKey.from_private_bytes(private_key).sign(signing_input.encode())
    return signing_input + "." + _b64(signature)


def credential_verify(token: str, *, public_keys: dict[str, bytes], now: dt.datetime) -> dict:
    """Check a VC-JWT: structure, known key, signature, claims agreeing with the credential,
    validity period. Returns the credential; raises CredentialInvalid otherwise."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise CredentialInvalid("not a compact JWS (three dot-separated parts)")
    try:
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
        signature = _unb64(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise CredentialInvalid("the token is not valid base64url JSON") from None
    if not isinstance(header, dict) or header.get("alg") != "EdDSA":
        raise CredentialInvalid("unsupported signing algorithm")
    key = public_keys.get(header.get("kid", ""))
    if key is None:
        raise CredentialInvalid("signed with a key this issuer does not publish")
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(
            signature, (parts[0] + "." + parts[1]).encode()
        )
    except InvalidSignature:
        raise CredentialInvalid("the signature does not match: it was altered") from None
    credential = claims.get("vc") if isinstance(claims, dict) else None
    if not isinstance(credential, dict):
        raise CredentialInvalid("no credential in the token")
    if claims.get("jti") != credential.get("id") or claims.get("iss") != (
        credential.get("issuer") or {}
    ).get("id"):
        raise CredentialInvalid("the token's claims disagree with the credential")
    if "OpenBadgeCredential" not in credential.get("type", []):
        raise CredentialInvalid("not an OpenBadgeCredential")
    if "nbf" in claims and now.timestamp() < claims["nbf"]:
        raise CredentialInvalid("not valid yet")
    if "exp" in claims and now.timestamp() >= claims["exp"]:
        raise CredentialInvalid("expired")
    return credential


def credential_unverified(token: str) -> dict | None:
    """The credential inside a VC-JWT without checking anything (for display only)."""
    try:
        return json.loads(_unb64(token.strip().split(".")[1])).get("vc")
    except (IndexError, ValueError, UnicodeDecodeError, AttributeError):
        return None
