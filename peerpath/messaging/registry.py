"""Message kinds: each app registers how to build the context of the messages it causes.

A message is rendered when it is delivered, from the ids in its outbox row, so an edit to the
course or a moved meeting is never sent stale. A kind's builder returns the template context;
the templates live at `messaging/email/<kind>.subject.txt`, `.txt` and (optionally) `.html`.
"""

from collections.abc import Callable
from dataclasses import dataclass

ContextBuilder = Callable[["object"], dict]


@dataclass(frozen=True)
class MessageKind:
    name: str
    build_context: ContextBuilder
    description: str = ""


_KINDS: dict[str, MessageKind] = {}


def register(name: str, description: str = "") -> Callable[[ContextBuilder], ContextBuilder]:
    """Decorator: `@register("welcome")` on `def build(message) -> dict`."""

    def decorator(func: ContextBuilder) -> ContextBuilder:
        _KINDS[name] = MessageKind(name=name, build_context=func, description=description)
        return func

    return decorator


def get_kind(name: str) -> MessageKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown message kind {name!r}") from None


def kinds() -> dict[str, MessageKind]:
    return dict(_KINDS)
