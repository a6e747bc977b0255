"""What a question asks for, and how a sentence that gives it looks: plain patterns, no model.

Both the answer finder (knowledge/answers.py) and the composer's quoting (agent/drafting/quoting.py)
prefer, for a lead who asked "how much", the passage with a price over the one about prices.
"""

from __future__ import annotations

import re
from typing import Final

# What a question asks for, and how a sentence that gives it looks. A "how much" question is answered
# by a figure, not by a sentence about prices; "how long" by a duration; "what time / Saturdays?" by a
# time or a day. Yes/no questions are left out: their answers look like any other statement.
KINDS: Final = (
    (  # a price
        re.compile(
            r"\b(?:how much|costs?|price[sd]?|pricing|fees?|charge[sd]?|rates?|cheap(?:er|est)?|expensive"
            r"|afford\w*|budget|pay(?:ing)?|discounts?|free)\b",
            re.IGNORECASE,
        ),
        re.compile(r"[$€£]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:%|dollars|usd)|\bfree\b", re.IGNORECASE),
    ),
    (  # a duration
        re.compile(
            r"\b(?:how long|how many (?:days|weeks|months|visits|sessions|hours)|how soon|how quickly"
            r"|timelines?|take)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b\d+(?:\s?(?:to|-|–|or)\s?\d+)?\s?(?:minutes?|hours?|(?:business |working )?days?|weeks?"
            r"|months?|years?|visits?|sessions?)\b",
            re.IGNORECASE,
        ),
    ),
    (  # a time or a day
        re.compile(
            r"\b(?:what time|hours|open(?:ing)?|close|(?:satur|sun|mon|fri)days?|weekends?|evenings?"
            r"|mornings?)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b",
            re.IGNORECASE,
        ),
    ),
)


def kinds_asked(question: str) -> list[re.Pattern[str]]:
    """The patterns of what ``question`` asks for (a price, a duration, a time or a day), as they look
    in a sentence that gives it; none for a yes/no question."""
    return [gives for asks, gives in KINDS if asks.search(question)]
