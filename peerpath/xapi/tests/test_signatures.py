"""Signed statements verified cryptographically against the certificate in the JWS header.

Keys and certificates are made here with `cryptography`; the JWS is made by `joserfc`, an
implementation independent of the LRS's own verification code.
"""

import base64
import datetime as dt
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

from peerpath.xapi.models import Statement
from peerpath.xapi.tests.helpers import make_statement, new_id
from peerpath.xapi.tests.test_attachments import SIGNATURE, attachment_for, post_mixed

pytestmark = pytest.mark.django_db


def certificate(key, name, issuer_key=None, issuer_name=None, ca=False):
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name or name)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key or key, hashes.SHA256())
    )


def der64(cert) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def jwk(key):
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (ECKey if isinstance(key, ec.EllipticCurvePrivateKey) else RSAKey).import_key(pem)


@pytest.fixture(scope="module")
def pki():
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = certificate(ca_key, "Quiz Tool CA", ca=True)
    return {
        "ca": ca,
        "leaf_key": leaf_key,
        "leaf": certificate(leaf_key, "quiz.example.org", ca_key, "Quiz Tool CA"),
        "self_signed": certificate(leaf_key, "quiz.example.org"),
        "other_key": other_key,
        "other_ca": certificate(other_key, "Someone Else", ca=True),
    }


def post_signed(lrs, *, key, x5c=None, alg="RS256", tamper=None, payload_change=None):
    stmt = make_statement(id=new_id())
    payload = dict(stmt, **(payload_change or {}))
    header = {"alg": alg}
    if x5c is not None:
        header["x5c"] = x5c
    token = jws.serialize_compact(
        header, json.dumps(payload).encode(), jwk(key), algorithms=[alg]
    ).encode()
    if tamper:
        token = tamper(token)
    attachment = attachment_for(token, usage=SIGNATURE, content_type="application/octet-stream")
    stmt["attachments"] = [attachment]
    return post_mixed(lrs, stmt, [(token, attachment["sha2"])])


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
@pytest.mark.xapi_req("DATA-2.6-d")
def test_statement_signed_with_the_key_of_its_x5c_certificate_is_stored(lrs, pki, alg):
    response = post_signed(lrs, key=pki["leaf_key"], x5c=[der64(pki["self_signed"])], alg=alg)
    assert response.status_code == 200, response.content
    assert Statement.objects.count() == 1


@pytest.mark.xapi_req("DATA-2.6-d")
def test_signature_made_with_another_key_than_the_certificate_is_400(lrs, pki):
    response = post_signed(lrs, key=pki["other_key"], x5c=[der64(pki["self_signed"])])
    assert response.status_code == 400
    assert "does not verify" in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


@pytest.mark.xapi_req("DATA-2.6-d")
def test_a_tampered_signature_is_400(lrs, pki):
    def flip_last_signature_byte(token: bytes) -> bytes:
        head, payload, signature = token.split(b".")
        raw = bytearray(base64.urlsafe_b64decode(signature + b"=" * (-len(signature) % 4)))
        raw[-1] ^= 0x01
        return b".".join([head, payload, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=")])

    response = post_signed(
        lrs, key=pki["leaf_key"], x5c=[der64(pki["self_signed"])], tamper=flip_last_signature_byte
    )
    assert response.status_code == 400
    assert "does not verify" in response.json()["error"]["message"]


@pytest.mark.xapi_req("DATA-2.6-d")
def test_certificate_chain_must_link_each_certificate_to_its_issuer(lrs, pki):
    good = post_signed(lrs, key=pki["leaf_key"], x5c=[der64(pki["leaf"]), der64(pki["ca"])])
    assert good.status_code == 200, good.content
    broken = post_signed(lrs, key=pki["leaf_key"], x5c=[der64(pki["leaf"]), der64(pki["other_ca"])])
    assert broken.status_code == 400
    assert "x5c[0] is not issued by x5c[1]" in broken.json()["error"]["message"]


def test_x5c_that_is_not_a_certificate_is_400(lrs, pki):
    response = post_signed(lrs, key=pki["leaf_key"], x5c=["bm90IGEgY2VydGlmaWNhdGU="])
    assert response.status_code == 400
    assert "x5c[0]" in response.json()["error"]["message"]


@pytest.mark.xapi_req("DATA-2.6-b")
def test_an_ec_certificate_cannot_carry_an_rs256_signature(lrs, pki):
    ec_key = ec.generate_private_key(ec.SECP256R1())
    response = post_signed(lrs, key=pki["leaf_key"], x5c=[der64(certificate(ec_key, "ec"))])
    assert response.status_code == 400
    assert "no RSA key" in response.json()["error"]["message"]


@pytest.mark.xapi_req("DATA-2.6-a")
def test_a_verified_signature_over_another_statement_is_still_400(lrs, pki):
    response = post_signed(
        lrs,
        key=pki["leaf_key"],
        x5c=[der64(pki["self_signed"])],
        payload_change={"verb": {"id": "http://example.org/verbs/other"}},
    )
    assert response.status_code == 400
    assert "does not match" in response.json()["error"]["message"]
