"""Emails from Django templates: templates/notifications/<name>_subject.txt, <name>.txt (plain
text) and <name>.html (its HTML alternative)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

# Every template a notification may use; a name outside this list is a programming error.
TEMPLATES = (
    "welcome",
    "order_confirmed",
    "order_rejected",
    "order_cancelled",
    "shipment_dispatched",
)
SUBJECT_MAX_LENGTH = 200


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def require_template(template: str) -> None:
    """Refuse a name outside TEMPLATES when the notification is logged, not when it is sent."""
    if template not in TEMPLATES:
        raise ValueError(f"No notification template is named {template!r}.")


def render_email(template: str, context: dict[str, Any]) -> RenderedEmail:
    require_template(template)
    base = f"notifications/{template}"
    # A header must be one line, whatever the template's whitespace.
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    return RenderedEmail(
        subject=subject[:SUBJECT_MAX_LENGTH],
        text=render_to_string(f"{base}.txt", context),
        html=render_to_string(f"{base}.html", context),
    )
