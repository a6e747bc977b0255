"""What a lead already told us in their inquiry, so that no message asks them for it again.

A lead who wrote "the wedding is in 3 weeks (April 10)" and got back "Is there a date you would like
to have this in place by?" has learnt that nobody read their message. Pure text rules over the lead's
own words; the clock is passed in.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from agent.replies.dates import dates_in

# When, said without a date: "ASAP", "this week", "lo antes posible", "next spring".
_SOON: Final = re.compile(
    r"\b(?:asap|a\.s\.a\.p|as soon as (?:possible|you can)|urgent(?:ly)?|right away|immediately|today|tonight"
    r"|tomorrow|this (?:week|weekend|month|spring|summer|fall|autumn|winter|year)"
    r"|next (?:week|month|spring|summer|fall|autumn|winter|year)"
    r"|in (?:a|one|two|three|four|five|six|a few|a couple of|\d+) (?:days?|weeks?|months?)"
    r"|by (?:the )?end of|before (?:the )?(?:end|holidays|summer|winter)"
    r"|lo antes posible|cuanto antes|urgente|de inmediato|hoy|mañana|esta semana|este mes|este año"
    r"|la (?:semana|mes) que viene|el (?:mes|año) que viene|pr[óo]xim[oa] (?:semana|mes|año)"
    r"|en (?:un|una|dos|tres|cuatro|\d+) (?:d[íi]as?|semanas?|mes(?:es)?))\b",
    re.IGNORECASE,
)


def told_when(text: str | None, today: date) -> bool:
    """The lead said when they need it: a date, a month, a weekday, "in 3 weeks", "ASAP"."""
    if not text:
        return False
    return bool(_SOON.search(text) or dates_in(text, today))
