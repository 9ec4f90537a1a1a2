"""The card as one self-contained HTML page, for regulators and model-risk reviewers.

It is the Markdown card (``models.model_card.markdown``) rendered, so the two never say
different things. Every text in the card is HTML-escaped before rendering: a reviewer's
note or a parameter cannot inject markup into the page.
"""

from __future__ import annotations

import html
from typing import Any

import markdown
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from models.model_card.markdown import to_markdown

_ENVIRONMENT = Environment(loader=PackageLoader("models.model_card", "templates"),
                           autoescape=select_autoescape(["html", "j2"]))


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


def to_html(card: dict[str, Any]) -> str:
    body = markdown.markdown(to_markdown(_escaped(card)), extensions=["tables", "fenced_code"])
    # Code spans escape the entities once more; one level of escaping is what the page needs.
    for entity in ("lt", "gt", "amp"):
        body = body.replace(f"&amp;{entity};", f"&{entity};")
    details = card["model_details"]
    return _ENVIRONMENT.get_template("card.html.j2").render(
        title=f"Model card: {details['kind']} v{details['version']} of {details['owner']}", body=Markup(body))
