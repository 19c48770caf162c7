"""Rendering a message from current data, with the run's edited templates if any.

The subject and text parts are rendered without HTML escaping (they are not HTML); the HTML
part is escaped as usual. Messages a recipient may decline end with a footer naming the run and
linking to the mail preferences, whatever template wrote the body.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.template import Context, Template, TemplateDoesNotExist, engines
from django.template.base import TextNode, TokenType, Variable, render_value_in_context
from django.template.defaulttags import IfNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from peerpath.common.signed_links import link_token_make
from peerpath.messaging import registry
from peerpath.messaging.models import MessageTemplate, OutboxMessage


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    attachments: tuple = ()  # (filename, content bytes, mimetype)
    unsubscribe_url: str = ""


def _engine():
    return engines["django"].engine


@lru_cache(maxsize=512)
def _compiled(source: str):
    return _engine().from_string(source)


def _file_template(name: str):
    try:
        return _engine().get_template(name)
    except TemplateDoesNotExist:
        return None


class TemplateSet:
    """The edited templates that can apply to a set of messages, fetched in one query."""

    def __init__(self, messages):
        kinds = {m.kind for m in messages}
        run_ids = {m.run_id for m in messages if m.run_id}
        rows = MessageTemplate.objects.filter(kind__in=kinds)
        rows = rows.filter(run_id__in=run_ids) | rows.filter(run__isnull=True)
        self.by_key = {(t.run_id, t.kind, t.language): t for t in rows}

    def find(self, *, run_id, kind: str, language: str) -> MessageTemplate | None:
        for key in (
            (run_id, kind, language),
            (run_id, kind, ""),
            (None, kind, language),
            (None, kind, ""),
        ):
            if key in self.by_key:
                return self.by_key[key]
        return None


def unsubscribe_token(*, user_id: int, run_id: int | None) -> str:
    return link_token_make("unsubscribe", {"u": user_id, "r": run_id})


def preferences_token(*, user_id: int) -> str:
    return link_token_make("mail-preferences", {"u": user_id})


def recipient_language(message: OutboxMessage) -> str:
    language = getattr(message.recipient, "language", None) or settings.LANGUAGE_CODE
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE


@lru_cache(maxsize=8)
def _path_around(name: str) -> tuple[str, str]:
    marker = "TOKENMARKER"
    path = reverse(name, args=[marker])
    head, _, tail = path.partition(marker)
    return head, tail


def _path(name: str, token: str) -> str:
    """reverse(name, args=[token]) without resolving the URL map for every message."""
    head, tail = _path_around(name)
    return f"{head}{token}{tail}"


def _render(template, context: dict, *, autoescape: bool) -> str:
    return template.render(Context(context, autoescape=autoescape))


def _constant_translation(node) -> bool:
    """A `{% translate "literal" %}` whose output depends on the language alone."""
    if not isinstance(node, TranslateNode) or node.asvar or node.message_context or node.noop:
        return False
    expression = node.filter_expression
    return (
        not expression.filters
        and isinstance(expression.var, Variable)
        and expression.var.literal is not None
    )


class _TranslatedBlock(BlockTranslateNode):
    """A `{% blocktranslate %}` without plural or context, its message looked up once in the
    language it was prepared for: rendering it only fills in the values."""

    def __init__(self, node: BlockTranslateNode, translated: str):
        super().__init__(
            node.extra_context,
            node.singular,
            trimmed=node.trimmed,
            asvar=node.asvar,
            tag_name=node.tag_name,
        )
        self.token, self.origin = node.token, node.origin
        self.translated = translated
        self.names = [t.contents for t in node.singular if t.token_type == TokenType.VAR]

    def render(self, context, nested=False):
        context.update({name: value.resolve(context) for name, value in self.extra_context.items()})
        missing = context.template.engine.string_if_invalid
        data = {}
        for name in self.names:
            if name in context:
                value = context[name]
            else:
                value = missing % name if "%s" in missing else missing
            data[name] = render_value_in_context(value, context)
        context.pop()
        try:
            result = self.translated % data
        except (KeyError, ValueError):  # a broken translation: Django's own way reports it
            return super().render(context, nested)
        if self.asvar:
            context[self.asvar] = SafeString(result)
            return ""
        return result


def _plain_block_translation(node) -> bool:
    return (
        type(node) is BlockTranslateNode
        and not node.plural
        and not node.counter
        and not node.message_context
    )


def _fold(nodelist, context: Context) -> None:
    """Replace each constant `{% translate %}` by its text in the active language, and look up
    the message of each plain `{% blocktranslate %}` once."""
    for index, node in enumerate(nodelist):
        if _constant_translation(node):
            nodelist[index] = TextNode(node.render(context))
            continue
        if _plain_block_translation(node):
            message, _names = node.render_token_list(node.singular)
            nodelist[index] = _TranslatedBlock(node, translation.gettext(message))
            continue
        if isinstance(node, IfNode):
            for _condition, branch in node.conditions_nodelists:
                _fold(branch, context)
            continue
        for name in node.child_nodelists:
            child = getattr(node, name, None)
            if child:
                _fold(child, context)


@lru_cache(maxsize=32)
def _footer_texts(language: str) -> tuple[str, str, str]:
    """The footer's words in one language, looked up once rather than for every message."""
    with translation.override(language):
        return (
            _("You receive this as a participant in %(run)s."),
            _("Mail preferences:"),
            _("Mail preferences"),
        )


@lru_cache(maxsize=512)
def _prepared(template, language: str, autoescape: bool):
    """A copy of `template` compiled once per language and escaping, with its constant
    translations already in that language: rendering it for a message then costs only the
    parts that differ from one recipient to the next."""
    copy = Template(
        template.source, origin=template.origin, name=template.name, engine=template.engine
    )
    with translation.override(language):
        _fold(copy.nodelist, Context(autoescape=autoescape))
    return copy


def message_render(
    *,
    message: OutboxMessage,
    context: dict | None = None,
    templates: TemplateSet | None = None,
    override: MessageTemplate | None = None,
) -> RenderedMessage:
    """Render a message from current data; used for delivery, preview and test-send.

    `context` is a context already built (by a batch builder); `override` renders with a
    template that is not saved yet (the editor's preview).
    """
    kind = registry.get_kind(message.kind)
    if context is None:
        context = kind.build_context(message)
    context = dict(context)
    attachments = tuple(context.pop("attachments", ()))
    context.setdefault("recipient", message.recipient)
    context.setdefault("site_url", settings.SITE_URL)
    language = recipient_language(message)
    declinable = bool(message.run_id) and not kind.transactional
    unsubscribe_url = preferences_url = ""
    if declinable and message.recipient_id:
        unsubscribe_url = settings.SITE_URL + _path(
            "messaging:unsubscribe",
            unsubscribe_token(user_id=message.recipient_id, run_id=message.run_id),
        )
        preferences_url = settings.SITE_URL + _path(
            "messaging:preferences", preferences_token(user_id=message.recipient_id)
        )
    context["unsubscribe_url"] = unsubscribe_url
    context["preferences_url"] = preferences_url
    edited = override
    if edited is None:
        templates = templates or TemplateSet([message])
        edited = templates.find(run_id=message.run_id, kind=message.kind, language=language)
    with translation.override(language):
        if edited is not None:
            subject_t = _compiled(edited.subject)
            text_t = _compiled(edited.body_text)
            html_t = _compiled(edited.body_html) if edited.body_html.strip() else None
        else:
            base = f"messaging/email/{message.kind}"
            subject_t = _file_template(f"{base}.subject.txt")
            text_t = _file_template(f"{base}.txt")
            html_t = _file_template(f"{base}.html")
            if subject_t is None or text_t is None:
                raise TemplateDoesNotExist(f"{base}.subject.txt / {base}.txt")
        subject_t = _prepared(subject_t, language, False)
        text_t = _prepared(text_t, language, False)
        subject = _render(subject_t, context, autoescape=False)
        text = _render(text_t, context, autoescape=False).strip() + "\n"
        html = ""
        if html_t is not None:
            html = _render(_prepared(html_t, language, True), context, autoescape=True)
        if declinable:
            run = context.get("run") or message.run
            participant, preferences_label, preferences_link = _footer_texts(language)
            footer = participant % {"run": run}
            text += f"\n-- \n{footer}\n{preferences_label} {preferences_url}\n"
            if html:
                html += format_html(
                    '<hr><p style="font-size:small;color:#555">{} <a href="{}">{}</a></p>',
                    footer,
                    preferences_url,
                    preferences_link,
                )
    return RenderedMessage(
        subject=" ".join(subject.split()),
        text=text,
        html=html,
        attachments=attachments,
        unsubscribe_url=unsubscribe_url,
    )
