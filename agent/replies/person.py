"""A request to be called by, or to speak with, a person, in an inquiry's own words.

"¿Me puede llamar Marisol?", "Could someone call us? 210-555-0115, evenings", "I'd like to actually
talk to someone": the reader's model, meeting a question beside it, may read these as questions; the
words leave no doubt, so an inquiry with them goes to a person (``agent/policy.py``). A channel wish
("you can text or call me, whichever") and a permission ("feel free to call") are no request.
Calibrated on ``evals/inquiries`` (dev split only).
"""

from __future__ import annotations

import re
from typing import Final

CALL_REQUEST: Final = re.compile(
    r"\b(?:(?:please|pls|plz|can|could|would|will|someone|somebody)"
    r" (?:you |someone |somebody |one of you |u )?"
    r"(?:please |pls )?call (?:me|us)\b|call me (?:back|at|on|asap|today|tonight|tomorrow|now|please)"
    r"|meet (?:with )?(?:someone|somebody|a person|you) in person"
    r"|give (?:me|us) a (?:call|ring)|(?:me|nos) (?:puede|podr[íi]a|pueden|podr[íi]an) llamar"
    r"|ll[áa]m(?:e|en)(?:me|nos)\b|(?:speak|talk) (?:to|with) (?:a |an |the )?(?:real |actual )?"
    r"(?:person|human|owner|manager|someone|somebody)\b"
    r"|hablar con (?:alguien|una persona|el due[ñn]o|la due[ñn]a|el gerente|un agente))",
    re.IGNORECASE,
)


def call_request(message: str) -> str | None:
    """The words of ``message`` that ask for a call or a person (None: none do)."""
    found = CALL_REQUEST.search(message)
    return found.group() if found else None
