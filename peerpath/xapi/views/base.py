"""What every xAPI endpoint shares: the version header, authentication, errors, common headers."""

import functools
import json
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from peerpath.common.errors import ApplicationError
from peerpath.xapi.auth import client_authenticate
from peerpath.xapi.errors import BadRequest, TooLarge, XapiError
from peerpath.xapi.services import format_instant
from peerpath.xapi.validation import Invalid

SUPPORTED_VERSION = re.compile(r"^(1\.0(\.\d+)?|2\.0\.0)$")
# The largest request body accepted; Django's own limit is raised to it for these views.
MAX_BODY_BYTES = getattr(settings, "PEERPATH_XAPI_MAX_BODY", 20 * 1024 * 1024)


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": {"status": status, "message": message}}, status=status)


def response_version(version: str | None) -> str:
    return "1.0.3" if version and version.startswith("1.") else "2.0.0"


def xapi_endpoint(*, methods: set[str], auth: bool = True, version_required: bool = True):
    """Wrap a view: check methods, version and credentials; turn refusals into spec statuses."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            version = request.headers.get("X-Experience-API-Version")
            try:
                if request.method not in methods | {"OPTIONS"}:
                    raise XapiError(f"method {request.method} is not allowed here", status=405)
                if request.method == "OPTIONS":
                    response = HttpResponse(status=204)
                    response["Allow"] = ", ".join(sorted(methods))
                    return _headers(response, version)
                if version_required:
                    if not version:
                        raise BadRequest("X-Experience-API-Version: the header is required")
                    if not SUPPORTED_VERSION.match(version.strip()):
                        raise BadRequest(
                            f"X-Experience-API-Version: {version[:20]!r} is not "
                            "supported; use 1.0.3 or 2.0.0"
                        )
                request.xapi_version = (version or "2.0.0").strip()
                request.xapi_client = client_authenticate(request) if auth else None
                length = int(request.META.get("CONTENT_LENGTH") or 0)
                if length > MAX_BODY_BYTES:
                    raise TooLarge(
                        f"body: {length} bytes is more than the {MAX_BODY_BYTES} this LRS accepts"
                    )
                response = view(request, *args, **kwargs)
            except Invalid as error:
                response = error_response(400, str(error))
            except XapiError as error:
                response = error_response(error.status, error.message)
                if error.status == 401:
                    response["WWW-Authenticate"] = 'Basic realm="PeerPath xAPI"'
            except ApplicationError as error:
                response = error_response(400, str(error))
            return _headers(response, version)

        return wrapper

    return decorate


def _headers(response, version):
    response["X-Experience-API-Version"] = response_version(version)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Headers"] = (
        "Authorization, Content-Type, If-Match, If-None-Match, X-Experience-API-Version"
    )
    response["Access-Control-Expose-Headers"] = (
        "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through"
    )
    return response


def consistent_through(response):
    """Every statement stored before this moment is visible: stores are synchronous."""
    response["X-Experience-API-Consistent-Through"] = format_instant(timezone.now())
    return response


def last_modified(response, instant):
    response["Last-Modified"] = http_date((instant or timezone.now()).timestamp())
    return response


def read_body(request) -> bytes:
    # request.body enforces DATA_UPLOAD_MAX_MEMORY_SIZE; xAPI batches may be bigger.
    if not hasattr(request, "_xapi_body"):
        request._xapi_body = request.read()
    return request._xapi_body


def parse_json_body(request, what: str = "body"):
    raw = read_body(request)
    if not raw:
        raise BadRequest(f"{what}: empty; send JSON")
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise BadRequest(f"{what}: not UTF-8 text") from None
    except ValueError as error:
        raise BadRequest(f"{what}: malformed JSON ({error})") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_text_response(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="application/json")
