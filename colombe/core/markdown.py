"""Markdown for user content: markdown-it-py renders, nh3 sanitises what comes out.
Hashtags in the text (``#désarmement``) become links to their hashtag page."""

import nh3
from django.urls import reverse
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from colombe.core.hashtags import TEXT_HASHTAG_RE, is_hashtag_word, normalise_hashtag


def _hashtag_link(name: str) -> list[Token]:
    href = reverse("core:hashtag", args=[normalise_hashtag(name)])
    return [
        Token("link_open", "a", 1, attrs={"href": href}),
        Token("text", "", 0, content=f"#{name}"),
        Token("link_close", "a", -1),
    ]


def _split_hashtags(text: str) -> list[Token] | None:
    """The text token as text and link tokens, or None when it holds no hashtag."""
    pieces: list[Token] = []
    position = 0
    for match in TEXT_HASHTAG_RE.finditer(text):
        name = match.group(1)
        if not is_hashtag_word(name):
            continue
        pieces.append(Token("text", "", 0, content=text[position : match.start()]))
        pieces.extend(_hashtag_link(name))
        position = match.end()
    if not pieces:
        return None
    pieces.append(Token("text", "", 0, content=text[position:]))
    return pieces


def link_hashtags(state: StateCore) -> None:
    """Core rule: hashtags in plain text (not inside a link or code) become links."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            inside_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            pieces = None
            if token.type == "text" and not inside_link:
                pieces = _split_hashtags(token.content)
            children.extend(pieces or [token])
        block.children = children


_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_renderer.core.ruler.push("link_hashtags", link_hashtags)

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def render_markdown(text: str) -> str:
    html = _renderer.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
