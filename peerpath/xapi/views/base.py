"""What every xAPI endpoint shares: the version header, authentication, errors, common headers."""

import functools
import json
import logging
import re

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest as DjangoBadRequest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.http import http_date
from django.utils.log import log_response
from django.views.decorators.csrf import csrf_exempt

from peerpath.common.errors import ApplicationError
from peerpath.xapi.auth import client_authenticate
from peerpath.xapi.errors import BadRequest, TooLarge, XapiError
from peerpath.xapi.services import format_instant
from peerpath.xapi.validation import Invalid

SUPPORTED_VERSION = re.compile(r"^(1\.0(\.\d+)?|2\.0\.0)$")
# The largest request body accepted unless settings.PEERPATH_XAPI_MAX_BODY says otherwise
# (the spec wants the limit configurable); Django's own limit does not apply to these views.
MAX_BODY_BYTES = 20 * 1024 * 1024


def max_body_bytes() -> int:
    return getattr(settings, "PEERPATH_XAPI_MAX_BODY", MAX_BODY_BYTES)


def _refuse_oversized(request) -> None:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    limit = max_body_bytes()
    if length > limit:
        raise TooLarge(f"body: {length} bytes is more than the {limit} this LRS accepts")


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": {"status": status, "message": message}}, status=status)


def response_version(version: str | None) -> str:
    return "1.0.3" if version and version.startswith("1.") else "2.0.0"


def xapi_endpoint(
    *,
    methods: set[str],
    auth: bool = True,
    version_required: bool = True,
    consistent_through_header: bool = False,
):
    """Wrap a view: check methods, version and credentials; turn refusals into spec statuses.

    With consistent_through_header, every response (refusals too) carries
    X-Experience-API-Consistent-Through, as the Statements resource must.
    """

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            version = request.headers.get("X-Experience-API-Version")
            try:
                if "method" in request.GET:
                    version = alternate_request(request, version)
                if request.method not in methods | {"OPTIONS"}:
                    raise XapiError(f"method {request.method} is not allowed here", status=405)
                if request.method == "OPTIONS":
                    response = HttpResponse(status=204)
                    response["Allow"] = ", ".join(sorted(methods))
                    if consistent_through_header:
                        consistent_through(response)
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
                _refuse_oversized(request)
                response = view(request, *args, **kwargs)
            except Invalid as error:
                response = error_response(400, str(error))
            except XapiError as error:
                response = error_response(error.status, error.message)
                if error.status == 401:
                    response["WWW-Authenticate"] = 'Basic realm="PeerPath xAPI"'
            except ApplicationError as error:
                response = error_response(400, str(error))
            except Exception as error:  # noqa: BLE001 - every response names the version
                response = unexpected_error_response(request, error)
            if consistent_through_header:
                consistent_through(response)
            if request.method == "HEAD":
                # Servers drop it too; the view answers HEAD with GET's headers and no body.
                response.content = b""
            return _headers(response, version)

        return wrapper

    return decorate


def unexpected_error_response(request, error: Exception) -> JsonResponse:
    """The reply to an exception no view expected, shaped like every other LRS reply.

    Django's own 4xx exceptions keep their status. Anything else is a 500 whose body holds no
    traceback; the exception is logged and signalled (got_request_exception) as Django would
    without this wrapper, so error reports still arrive. Writes run in one transaction each:
    a service that raises has stored nothing.
    """
    logger = None
    if isinstance(error, Http404):
        response = error_response(404, "not found")
    elif isinstance(error, PermissionDenied):
        response = error_response(403, "forbidden")
    elif isinstance(error, SuspiciousOperation):
        response = error_response(400, "the request is malformed or too large")
        logger = logging.getLogger(f"django.security.{type(error).__name__}")
    elif isinstance(error, DjangoBadRequest):
        response = error_response(400, "the request is malformed")
    else:
        signals.got_request_exception.send(sender=None, request=request)
        detail = f": {type(error).__name__}: {error}" if settings.DEBUG else ""
        response = error_response(500, "the LRS failed to handle this request" + detail)
    log_response(
        "%s: %s",
        response.reason_phrase,
        request.path,
        response=response,
        request=request,
        exception=error,
        **({"logger": logger, "level": "error"} if logger else {}),
    )
    return response


# The form fields of the alternate request syntax that stand for headers (1.0.3 Communication 1.3).
FORM_HEADERS = {
    "Authorization": "HTTP_AUTHORIZATION",
    "X-Experience-API-Version": "HTTP_X_EXPERIENCE_API_VERSION",
    "Content-Type": "CONTENT_TYPE",
    "If-Match": "HTTP_IF_MATCH",
    "If-None-Match": "HTTP_IF_NONE_MATCH",
}
ALTERNATE_METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE"}
NO_ALTERNATE_IN_2 = "method: xAPI 2.0 has no alternate request syntax; send the request itself"


def alternate_request(request, version: str | None) -> str | None:
    """Turn a 1.0.3 alternate-syntax request (POST ?method=X, form body) into the request it
    stands for, in place; return the version it declares.

    The form carries the headers, the query parameters and the body (`content`). xAPI 2.0
    removed this syntax, so a 2.0 request that uses it is refused.
    """
    if version and version.strip().startswith("2."):
        raise BadRequest(NO_ALTERNATE_IN_2)
    if request.method != "POST":
        raise BadRequest("method: the alternate request syntax must be sent as a POST")
    if len(request.GET) != 1 or len(request.GET.getlist("method")) != 1:
        raise BadRequest(
            "method: with the alternate request syntax, every parameter except method "
            "goes in the form body"
        )
    method = request.GET["method"]
    if method not in ALTERNATE_METHODS:
        raise BadRequest(
            f"method: {method[:10]!r} is not one of {', '.join(sorted(ALTERNATE_METHODS))}"
        )
    _refuse_oversized(request)
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise BadRequest(
            "Content-Type: the alternate request syntax sends application/x-www-form-urlencoded"
        )
    try:
        form = QueryDict(read_body(request), encoding="utf-8")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("body: not a valid url-encoded form") from None
    declared = form.get("X-Experience-API-Version", version)
    if declared and declared.strip().startswith("2."):
        raise BadRequest(NO_ALTERNATE_IN_2)
    meta = request.META
    meta["CONTENT_TYPE"] = "application/json" if method in {"PUT", "POST"} else ""
    meta.pop("CONTENT_LENGTH", None)
    query = QueryDict(mutable=True)
    for name, values in form.lists():
        if name in {"content", "Content-Length"}:
            continue  # the content is what the form holds, whatever length it claims
        if name in FORM_HEADERS:
            meta[FORM_HEADERS[name]] = values[-1]
        else:
            query.setlist(name, values)
    content = form.get("content", "")
    request._xapi_body = content.encode()
    request.GET = query
    request.method = method
    request.__dict__.pop("headers", None)  # HttpRequest.headers is cached from META
    return declared


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
        # Decoded here rather than by json.loads, which would also take UTF-16 or UTF-32.
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise BadRequest(f"{what}: not UTF-8 text") from None
    except ValueError as error:
        raise BadRequest(f"{what}: malformed JSON ({error})") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_text_response(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="application/json")
