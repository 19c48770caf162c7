"""Open Badges 3.0 credentials issued on completion: schema, signature, verification page,
revocation and download."""

import base64
import json
import warnings
from pathlib import Path

import jsonschema
import pytest
from django.core import mail
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import OKPKey

from peerpath.badges.credential import CredentialInvalid, credential_verify
from peerpath.badges.models import BadgeCredential
from peerpath.badges.services import credential_check
from peerpath.messaging.models import OutboxMessage
from peerpath.messaging.services import outbox_deliver_due
from peerpath.progress.services import completion_mark
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ModuleFactory,
    RunFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).parent / "fixtures" / "ob_v3p0_achievementcredential_schema.json").read_text()
)


@pytest.fixture
def badge(settings):
    settings.SITE_URL = "https://learn.example.org"
    run = RunFactory(title="Python for teachers", course__title="Python for teachers",
                     course__summary="Teach Python with confidence.")
    module = ModuleFactory(course=run.course, position=1)
    activity = ActivityFactory(module=module)
    learner = EnrolmentFactory(run=run, user__email="ada@example.org",
                               user__display_name="Ada Lovelace")
    completion_mark(enrolment=learner, activity=activity)
    return BadgeCredential.objects.get(enrolment=learner)


def payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def independent_key(client) -> OKPKey:
    jwks = json.loads(client.get("/badges/issuer/keys.json").content)
    return OKPKey.import_key(jwks["keys"][0])


def test_completing_the_run_issues_a_badge_that_validates_against_the_ob3_schema(badge):
    credential = payload(badge.token)["vc"]
    validator = jsonschema.Draft201909Validator(
        SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(credential), key=str)
    assert errors == []
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "https://learn.example.org/badges/issuer/"
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Python for teachers"
    assert achievement["id"] == "https://learn.example.org/badges/achievement/" + (
        badge.enrolment.run.course.slug + "/"
    )
    assert "ada@example.org" not in badge.token  # the recipient is a salted hash


def test_the_schema_fixture_rejects_a_credential_missing_what_ob3_requires(badge):
    credential = payload(badge.token)["vc"]
    del credential["issuanceDate"]
    credential["credentialSubject"]["identifier"][0]["nickname"] = "not allowed"
    messages = [e.message for e in jsonschema.Draft201909Validator(SCHEMA).iter_errors(credential)]
    assert any("'issuanceDate' is a required property" in m for m in messages)
    assert any("Additional properties are not allowed" in m for m in messages)


def test_the_signature_verifies_with_an_independent_library_and_a_tampered_one_fails(
    badge, client
):
    key = independent_key(client)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc notes RFC 9864's newer name for EdDSA
        verified = jws.deserialize_compact(badge.token, key, algorithms=["EdDSA"])
        assert json.loads(verified.payload)["jti"] == badge.urn
        header, body, signature = badge.token.split(".")
        claims = payload(badge.token)
        claims["vc"]["credentialSubject"]["achievement"]["name"] = "Rocket science"
        forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        forged = ".".join([header, forged_body, signature])
        with pytest.raises(BadSignatureError):
            jws.deserialize_compact(forged, key, algorithms=["EdDSA"])
    with pytest.raises(CredentialInvalid, match="altered"):
        credential_check(forged)
    page = client.post("/badges/verify/", {"credential": forged})
    assert page.status_code == 400
    assert "Not valid" in page.content.decode()
    good = client.post("/badges/verify/", {"credential": badge.token})
    assert "Valid:" in good.content.decode()


def test_a_credential_signed_by_another_key_is_refused(badge):
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with pytest.raises(CredentialInvalid):
        credential_verify(badge.token, public_keys={"elsewhere#k": other},
                          now=dt.datetime.now(dt.UTC))


def test_the_badge_mail_goes_through_the_outbox_with_the_credential_attached(badge):
    message = OutboxMessage.objects.get(kind="badge_issued")
    assert message.recipient == badge.enrolment.user
    outbox_deliver_due()
    sent = [m for m in mail.outbox if "Your badge" in m.subject]
    assert len(sent) == 1
    assert f"https://learn.example.org/badges/{badge.uuid}/" in sent[0].body
    (name, content, mimetype), = sent[0].attachments
    assert name.endswith(".jwt") and mimetype == "application/vc+jwt"
    assert (content.decode() if isinstance(content, bytes) else content) == badge.token


def test_public_verification_page_download_and_revocation(badge, client):
    page = client.get(f"/badges/{badge.uuid}/")
    assert page.status_code == 200
    assert 'data-status="valid"' in page.content.decode()
    assert "Ada Lovelace" in page.content.decode()
    download = client.get(f"/badges/{badge.uuid}/download/")
    assert download.content.decode() == badge.token
    assert "attachment" in download["Content-Disposition"]
    as_json = json.loads(client.get(f"/badges/{badge.uuid}/download/?format=json").content)
    assert as_json["id"] == badge.urn

    assert client.post(f"/badges/{badge.uuid}/revoke/", {"reason": "x"}).status_code == 302
    badge.refresh_from_db()
    assert badge.revoked_at is None  # anonymous: sent to sign in, nothing revoked
    client.force_login(StaffFactory())
    refused = client.post(f"/badges/{badge.uuid}/revoke/", {"reason": "  "})
    assert refused.status_code == 400
    client.post(f"/badges/{badge.uuid}/revoke/", {"reason": "Issued by mistake"})
    badge.refresh_from_db()
    assert badge.revoked_at is not None
    page = client.get(f"/badges/{badge.uuid}/").content.decode()
    assert 'data-status="revoked"' in page and "Issued by mistake" in page
    listed = json.loads(client.get("/badges/revocations.json").content)
    assert listed["revokedCredentials"] == [
        {"id": badge.urn, "revocationReason": "Issued by mistake"}
    ]
    with pytest.raises(CredentialInvalid, match="revoked"):
        credential_check(badge.token)


def test_issuer_profile_and_achievement_documents(badge, client):
    issuer = json.loads(client.get("/badges/issuer/").content)
    assert issuer["type"] == ["Profile"] and issuer["id"].endswith("/badges/issuer/")
    slug = badge.enrolment.run.course.slug
    achievement = json.loads(client.get(f"/badges/achievement/{slug}/").content)
    assert achievement["type"] == ["Achievement"]
    assert achievement["criteria"]["narrative"]
