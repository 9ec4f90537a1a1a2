"""The portrait as one self-contained HTML page (no script, no external resource), so it
can be archived with a credit file and opened offline."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from models.portrait.grades import SCALE
from models.portrait.points import points_moved
from models.portrait.portrait import CreditPortrait

_ENVIRONMENT = Environment(loader=PackageLoader("models.portrait", "templates"),
                           autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def render_html(portrait: CreditPortrait) -> str:
    reasons = portrait.ranked_reasons()
    widest = max((abs(points_moved(r.contribution)) for r in reasons), default=1.0) or 1.0
    return _ENVIRONMENT.get_template("portrait.html.j2").render(
        p=portrait, reasons=reasons, widest=widest, scale=SCALE, points_moved=points_moved)
