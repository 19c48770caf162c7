"""multipart/mixed bodies: statements first, then attachments identified by their SHA-2 hash."""

import hashlib
import re
import secrets

from peerpath.xapi.errors import BadRequest

BOUNDARY_RE = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)
HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


def _headers(block: bytes) -> dict[str, str]:
    headers = {}
    for line in block.decode("latin-1").split("\r\n"):
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return headers


def parse_mixed(body: bytes, content_type: str) -> tuple[bytes, dict[str, tuple[str, bytes]]]:
    """The statements part and {sha2: (content type, bytes)}; 400 on any malformed part."""
    match = BOUNDARY_RE.search(content_type)
    if not match:
        raise BadRequest("Content-Type: multipart/mixed needs a boundary")
    delimiter = b"--" + (match.group(1) or match.group(2)).encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise BadRequest("body: the multipart/mixed body is not closed by its final boundary")
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            if chunk.startswith(b"\r\n"):
                head, content = b"", chunk[2:]
            else:
                raise BadRequest("body: a multipart part has no blank line after its headers")
        parts.append((_headers(head), content))
    first_headers, statements = parts[0]
    if not first_headers.get("content-type", "").lower().startswith("application/json"):
        raise BadRequest(
            "body: the first multipart part must be the statements as application/json"
        )
    attachments: dict[str, tuple[str, bytes]] = {}
    for number, (headers, content) in enumerate(parts[1:], start=1):
        sha2 = headers.get("x-experience-api-hash", "").lower()
        if not sha2:
            raise BadRequest(f"body: multipart part {number} has no X-Experience-API-Hash header")
        if headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise BadRequest(
                f"body: multipart part {number} must use Content-Transfer-Encoding: binary"
            )
        digest = HASHES.get(len(sha2))
        if digest is None or digest(content).hexdigest() != sha2:
            raise BadRequest(
                f"body: multipart part {number} does not match its "
                f"X-Experience-API-Hash {sha2[:16]}…"
            )
        attachments[sha2] = (headers.get("content-type", "application/octet-stream"), content)
    return statements, attachments


def build_mixed(json_text: bytes, attachments: list) -> tuple[bytes, str]:
    """A multipart/mixed response: the JSON, then each attachment row (sha2, type, content)."""
    boundary = secrets.token_hex(16)
    out = [b"--" + boundary.encode() + b"\r\nContent-Type: application/json\r\n\r\n" + json_text]
    for attachment in attachments:
        out.append(
            b"--"
            + boundary.encode()
            + f"\r\nContent-Type: {attachment.content_type}\r\nContent-Transfer-Encoding: binary"
            f"\r\nX-Experience-API-Hash: {attachment.sha2}\r\n\r\n".encode()
            + bytes(attachment.content)
        )
    body = b"\r\n".join(out) + b"\r\n--" + boundary.encode() + b"--\r\n"
    return body, f'multipart/mixed; boundary="{boundary}"'
