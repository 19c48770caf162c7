"""Signed statements: the JWS in a signature attachment must be well formed, match and verify.

What the spec asks of the LRS (xAPI 1.0.3 Data 2.6; IEEE 9274.1.1 keeps it): decode the JWS,
check that its payload is logically equivalent to the statement received, that the algorithm is
RS256, RS384 or RS512, and, when the JWS header carries an X.509 certificate (`x5c`), verify the
signature against that certificate. A signature that fails any of these is a 400. Without
`x5c` nothing says which key signed, so only the structure and payload can be checked. Whether
the certificate is one the receiver trusts is outside the LRS's part: the spec leaves trust to
whoever reads the statement.
"""

import base64
import binascii
import json

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from peerpath.xapi.validation.errors import Invalid
from peerpath.xapi.validation.facts import same_statement

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def _b64url(part: str, path: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise Invalid(path, f"the JWS {what} is not base64url encoded") from None


def check_signature(stmt: dict, jws: bytes, path: str) -> None:
    """Raise Invalid unless `jws` is a valid compact RS256/384/512 JWS whose payload is `stmt`."""
    try:
        text = jws.decode("ascii").strip()
    except UnicodeDecodeError:
        raise Invalid(path, "the signature is not a compact JWS") from None
    parts = text.split(".")
    if len(parts) != 3 or not all(parts):
        raise Invalid(path, "the signature is not a compact JWS (header.payload.signature)")
    try:
        header = json.loads(_b64url(parts[0], path, "header"))
        payload = json.loads(_b64url(parts[1], path, "payload"))
    except ValueError:
        raise Invalid(path, "the JWS header or payload is not JSON") from None
    if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
        raise Invalid(path, "the JWS algorithm must be RS256, RS384 or RS512")
    if not isinstance(payload, dict):
        raise Invalid(path, "the JWS payload is not a statement")
    original = {key: value for key, value in stmt.items() if key != "attachments"}
    signed = {key: value for key, value in payload.items() if key != "attachments"}
    if "id" in signed and "id" in stmt and str(signed["id"]).lower() != stmt["id"].lower():
        raise Invalid(path, "the JWS payload has another statement id")
    if not same_statement(signed, original):
        raise Invalid(path, "the JWS payload does not match the statement")
    if "x5c" in header:
        signature = _b64url(parts[2], path, "signature")
        chain = _certificates(header["x5c"], path)
        _verify(chain[0], header["alg"], f"{parts[0]}.{parts[1]}".encode("ascii"), signature, path)
        _verify_chain(chain, path)


def _certificates(x5c, path: str) -> list[x509.Certificate]:
    """The certificates of the x5c header, leaf first (RFC 7515: base64 DER, not base64url)."""
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise Invalid(path, "the JWS header's x5c must be a non-empty array of certificates")
    chain = []
    for number, encoded in enumerate(x5c):
        try:
            chain.append(x509.load_der_x509_certificate(base64.b64decode(encoded, validate=True)))
        except (binascii.Error, ValueError):
            raise Invalid(path, f"x5c[{number}] is not a base64 DER X.509 certificate") from None
    return chain


def _verify(
    certificate: x509.Certificate, alg: str, signing_input: bytes, signature: bytes, path: str
) -> None:
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise Invalid(path, f"the x5c certificate holds no RSA key, which {alg} needs")
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), ALGORITHMS[alg]())
    except InvalidSignature:
        raise Invalid(
            path, "the JWS signature does not verify against the x5c certificate"
        ) from None


def _verify_chain(chain: list[x509.Certificate], path: str) -> None:
    """Each certificate of x5c must be issued (and signed) by the one after it."""
    for number, (certificate, issuer) in enumerate(zip(chain, chain[1:], strict=False)):
        try:
            certificate.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            raise Invalid(
                path, f"x5c[{number}] is not issued by x5c[{number + 1}] in the certificate chain"
            ) from None


def signature_attachments(stmt: dict) -> list[tuple[int, dict]]:
    return [
        (index, attachment)
        for index, attachment in enumerate(stmt.get("attachments") or [])
        if attachment.get("usageType") == SIGNATURE_USAGE
    ]
