"""Message kinds: each app registers how to build the context of the messages it causes.

A message is rendered when it is delivered, from the ids in its outbox row, so an edit to the
course or a moved meeting is never sent stale. A kind's builder returns the template context;
the templates live at `messaging/email/<kind>.subject.txt`, `.txt` and (optionally) `.html`,
and staff may override them per run and language in the UI (`MessageTemplate`).

A kind may also register a batch builder (`register_batch`) that builds the contexts of many
messages in a constant number of queries; delivery uses it for large sends.

Transactional kinds (a sign-in link, the confirmation of an address) are sent whatever the
recipient's mail preferences say and carry no unsubscribe link.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

ContextBuilder = Callable[["object"], dict]
BatchBuilder = Callable[[list], list[dict]]

# Kinds registered elsewhere that a learner needs whatever their preferences.
TRANSACTIONAL_KINDS = {"signin_link", "signup_confirm"}


@dataclass(frozen=True)
class MessageKind:
    name: str
    build_context: ContextBuilder
    description: str = ""
    transactional: bool = False
    build_many: BatchBuilder | None = None


_KINDS: dict[str, MessageKind] = {}


def register(
    name: str, description: str = "", *, transactional: bool = False
) -> Callable[[ContextBuilder], ContextBuilder]:
    """Decorator: `@register("welcome")` on `def build(message) -> dict`."""

    def decorator(func: ContextBuilder) -> ContextBuilder:
        previous = _KINDS.get(name)
        _KINDS[name] = MessageKind(
            name=name,
            build_context=func,
            description=description,
            transactional=transactional or name in TRANSACTIONAL_KINDS,
            build_many=previous.build_many if previous else None,
        )
        return func

    return decorator


def register_batch(name: str) -> Callable[[BatchBuilder], BatchBuilder]:
    """Decorator for `def build_many(messages) -> list[dict]` (one context per message, same
    order) of a kind already registered."""

    def decorator(func: BatchBuilder) -> BatchBuilder:
        _KINDS[name] = replace(get_kind(name), build_many=func)
        return func

    return decorator


def get_kind(name: str) -> MessageKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown message kind {name!r}") from None


def kinds() -> dict[str, MessageKind]:
    return dict(_KINDS)


def is_transactional(name: str) -> bool:
    kind = _KINDS.get(name)
    return name in TRANSACTIONAL_KINDS or bool(kind and kind.transactional)
