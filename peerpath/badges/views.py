"""Public pages and documents of the badges: issuer profile, keys, achievements, the
revocation list, a verification page per credential, and downloads."""

import base64
import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from peerpath.accounts.access import access_run_staff
from peerpath.badges import services
from peerpath.badges.credential import CredentialInvalid, credential_unverified
from peerpath.badges.models import Achievement, BadgeCredential, IssuerKey
from peerpath.common.errors import ApplicationError

LD_JSON = "application/ld+json"


def _json(data: dict, content_type: str = LD_JSON) -> HttpResponse:
    response = HttpResponse(json.dumps(data, indent=1), content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def issuer(request):
    data = {"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context.json"]}
    data.update(services.issuer_profile())
    return _json(data)


def jwks(request):
    keys = [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "alg": "EdDSA",
            "use": "sig",
            "kid": services.key_url(key),
            "x": base64.urlsafe_b64encode(bytes(key.public_key)).rstrip(b"=").decode(),
        }
        for key in IssuerKey.objects.order_by("created_at")
    ]
    return _json({"keys": keys}, content_type="application/jwk-set+json")


def achievement(request, course_slug: str):
    item = get_object_or_404(Achievement.objects.select_related("course"), course__slug=course_slug)
    data = {"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context.json"]}
    data.update(services.achievement_data(item))
    return _json(data)


def revocations(request):
    """The 1EdTech revocation list every issued credential's `credentialStatus` points at."""
    revoked = BadgeCredential.objects.filter(revoked_at__isnull=False).order_by("revoked_at")
    return _json(
        {
            "id": request.build_absolute_uri(),
            "issuer": services.issuer_id(),
            "revokedCredentials": [
                {"id": b.urn, "revocationReason": b.revocation_reason} for b in revoked
            ],
        },
        content_type="application/json",
    )


def verify(request, badge_uuid):
    """Public page: is this credential genuine and still valid?"""
    badge = get_object_or_404(
        BadgeCredential.objects.select_related("achievement", "enrolment__user", "enrolment__run"),
        uuid=badge_uuid,
    )
    problem = ""
    try:
        services.credential_check(badge.token)
    except CredentialInvalid as invalid:
        problem = invalid.reason
    return render(
        request,
        "badges/verify.html",
        {"badge": badge, "problem": problem, "data": credential_unverified(badge.token)},
        status=200,
    )


@csrf_exempt  # a public checker: nothing is changed, anyone may paste a credential
def verify_token(request):
    """Paste a credential (the VC-JWT) to check it."""
    result = None
    if request.method == "POST":
        token = (request.POST.get("credential") or "").strip()
        if not token and request.FILES.get("file"):
            token = request.FILES["file"].read(200_000).decode("utf-8", "replace").strip()
        try:
            data, stored = services.credential_check(token)
            result = {"valid": True, "data": data, "stored": stored}
        except CredentialInvalid as invalid:
            result = {"valid": False, "reason": invalid.reason}
    return render(
        request, "badges/verify_token.html", {"result": result},
        status=400 if result and not result["valid"] else 200,
    )


def download(request, badge_uuid):
    badge = get_object_or_404(BadgeCredential, uuid=badge_uuid)
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(credential_unverified(badge.token), indent=1), content_type=LD_JSON
        )
        response["Content-Disposition"] = f'attachment; filename="badge-{badge.uuid}.json"'
        return response
    response = HttpResponse(badge.token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="badge-{badge.uuid}.jwt"'
    return response


@login_required
@require_POST
def revoke(request, badge_uuid):
    badge = BadgeCredential.objects.select_related("enrolment__run").filter(uuid=badge_uuid).first()
    if badge is None or not access_run_staff(request.user, badge.enrolment.run):
        raise Http404
    try:
        services.credential_revoke(badge=badge, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        return render(
            request, "badges/verify.html",
            {"badge": badge, "problem": "", "data": credential_unverified(badge.token),
             "revoke_error": error.message},
            status=400,
        )
    return redirect("badges:verify", badge.uuid)


