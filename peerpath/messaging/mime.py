"""Fast MIME bytes for the common message: text and HTML alternatives, no attachments.

Django's `EmailMessage.message()` goes through the `email` package's header registry, which
costs more than rendering the message; at 100,000 messages a week it dominates. This writes
the same structure directly: UTF-8 quoted-printable bodies, RFC 2047 encoded headers where
they are not ASCII, CRLF line ends as SMTP wants. Messages with attachments take Django's path.
"""

import binascii
import re
import secrets
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache


def _header(value: str) -> str:
    if value.isascii():
        return " ".join(value.split())
    return Header(value, "utf-8", maxlinelen=76).encode()


_BARE = re.compile(r"[^\s<>()\[\],;:\"\\@]+@[^\s<>()\[\],;:\"\\@]+")


def _address(value: str) -> str:
    if _BARE.fullmatch(value):
        return value  # a bare address, as parseaddr would give it back
    return _named_address(value)


@lru_cache(maxsize=64)
def _named_address(value: str) -> str:
    name, address = parseaddr(value)
    if not name:
        return address
    if name.isascii():
        return formataddr((name, address))
    return f"{Header(name, 'utf-8').encode()} <{address}>"


def _qp(text: str) -> bytes:
    body = text.replace("\r\n", "\n").encode("utf-8")
    return binascii.b2a_qp(body, istext=True).replace(b"\n", b"\r\n")


def _part(content_type: str, text: str) -> bytes:
    head = (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    return head.encode() + _qp(text)


def build_mime(
    *,
    from_email: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    lines = [
        f"From: {_address(from_email)}",
        f"To: {_address(to)}",
        f"Subject: {_header(subject)}",
        f"Date: {formatdate(localtime=False)}",
        "MIME-Version: 1.0",
    ]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {_header(value)}")
    if not html:
        head = "\r\n".join(lines).encode() + b"\r\n"
        return head + _part("text/plain", text)
    boundary = "==pp" + secrets.token_hex(12)
    lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
    head = "\r\n".join(lines).encode() + b"\r\n\r\n"
    b = boundary.encode()
    return (
        head
        + b"--"
        + b
        + b"\r\n"
        + _part("text/plain", text)
        + b"\r\n"
        + b"--"
        + b
        + b"\r\n"
        + _part("text/html", html)
        + b"\r\n"
        + b"--"
        + b
        + b"--\r\n"
    )
