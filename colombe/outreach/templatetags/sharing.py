"""``{% share_meta obj %}`` in a page's ``head`` block (Open Graph / Twitter card) and
``{% share_block obj %}`` in its body (share links and the text to copy), for the public
page kinds of ``colombe.outreach.sharing``. A page that is not public gets no picture
and no share block: a members' page must not invite sharing."""

from typing import Any

from django import template

from colombe.outreach import sharing

register = template.Library()


@register.inclusion_tag("outreach/share/meta.html", takes_context=True)
def share_meta(context: dict[str, Any], obj: Any, path: str = "") -> dict[str, Any]:
    return {"card": sharing.share_card(context["request"], obj, path=path)}


@register.inclusion_tag("outreach/share/block.html", takes_context=True)
def share_block(context: dict[str, Any], obj: Any, path: str = "") -> dict[str, Any]:
    card = sharing.share_card(context["request"], obj, path=path)
    if not card.public:
        return {"public": False}
    return {
        "public": True,
        "share_links": sharing.share_links(card.url, card.title),
        "copy_text": sharing.copy_text(card.url, card.title),
    }


@register.simple_tag(takes_context=True)
def absolute_url(context: dict[str, Any], obj: Any) -> str:
    """The full address of ``obj``'s page, to give to someone."""
    return str(context["request"].build_absolute_uri(obj.get_absolute_url()))
