"""An emergency written through the inquiry form: harm happening now, which no sequence should answer.

"no heat. its -12 out and the house is at 51 and dropping", "water is coming thru the kitchen ceiling",
"my dog just ate a whole bag of grapes", "la nómina no pasó y mis trabajadores están aquí": a person
must take these at once (``agent/policy.py`` hands the lead over after an acknowledgment that gives the
business's phone). Urgent words alone are no emergency ("need a quote ASAP", "URGENT!!! flood insurance
info", "kitchen emergency lol"), nor is a harm that is over ("we had a truck stolen last month").

Two kinds of evidence: a *danger* that is an emergency whenever it is said (gas, smoke, carbon monoxide,
someone not breathing), and a *harm* that is one only when it is happening now or is due within a day or
two (a burst pipe this morning, a truck stolen just now, payroll that failed for tomorrow). Plain
functions over the message; no model. Calibrated on ``evals/inquiries`` (dev split only).
"""

from __future__ import annotations

import re
from typing import Final

_FLAGS: Final = re.IGNORECASE

DANGER: Final = re.compile(
    r"\b(?:carbon monoxide|co (?:alarm|detector)"
    r"|(?:smell(?:s|ing)?|smelled) (?:of |like )?(?:gas|burning|smoke)|gas (?:leak|smell)|burning smell"
    r"|smoke (?:is )?coming|on fire|caught fire|sparking"
    r"|not breathing|(?:can'?t|cannot|trouble) breath(?:e|ing)|unresponsive|seizures?"
    r"|mon[óo]xido|(?:huele|olor) a (?:gas|quemado)|fuga de gas|humo|incendio|chispas|no respira"
    r"|respira (?:raro|mal)|convulsi\w*"
    # Across trades, from what each business's emergencies are (not from any labelled inquiry): live wires,
    # a body in danger, a pool's chemicals, a sewer coming up.
    r"|electrical fire|arcing|exposed wires?|(?:got |was )?electrocut\w*|chest pains?|allergic reaction"
    r"|anaphyla\w*|vomiting blood|poison(?:ed|ing)|overdose|choking|unconscious|passed out|heat ?stroke"
    r"|chemical (?:spill|burn)|chlorine gas|sewage (?:is )?(?:backing|coming) up"
    r"|descarga el[ée]ctrica|se electrocut\w*|dolor de pecho|reacci[óo]n al[ée]rgica|vomita\w* sangre"
    r"|envenen\w*|se desmay\w*|inconsciente|se (?:est[áa] )?ahog\w*|aguas negras)\b",
    _FLAGS,
)
HARM: Final = re.compile(
    r"\b(?:no heat|(?:heat|furnace|heater|a/?c|ac) (?:is )?(?:out|dead|not working|stopped working|quit)"
    r"|(?:pipes?|line) (?:\w+ )?(?:burst|broke)|burst pipe|water (?:is )?(?:coming|pouring|gushing|leaking"
    r"|pooling|everywhere)|pouring|flood(?:ed|ing)|leaking|(?:got |been |was )?stolen|broke into|break-?in"
    r"|(?:ate|swallowed|ingested|got into)\b|hit by a car|(?:fell|has fallen)|can'?t (?:stand|walk|get up)"
    r"|swollen|bleeding|sangr(?:a|ando)|levied|levy"
    r"|(?:payroll|funding|direct deposits?) (?:\w+ ){0,3}(?:failed|bounced|didn'?t go through"
    r"|did not go through)"
    r"|funding failed|account (?:is |was )?frozen"
    r"|(?:cancel(?:l)?ed|backed out|closed) on us|lost (?:our|my|the) venue"
    r"|sin calefacci[óo]n|no (?:hay|tenemos|prende la) calefacci[óo]n|(?:se )?revent[óo]|inund\w+"
    r"|fuga de agua|sale (?:mucha )?agua|(?:se )?(?:nos )?(?:robaron|llevaron)|(?:se )?(?:comi[óo]|trag[óo])"
    r"|atropell\w*|se cay[óo]|no se puede (?:parar|levantar)|embarg\w+|n[óo]mina no (?:pas[óo]|sali[óo])"
    r"|nos cancelaron|cancelaron el (?:sal[óo]n|lugar)"
    # Harm across trades, again from the trades, each an emergency only when said as now.
    r"|no (?:power|electricity|hot water|running water|water|air conditioning|cooling)"
    r"|(?:power|electricity|heat|a/?c|air) (?:is |went )?(?:out|off)\b|stopped working|broke down|died on us"
    r"|(?:sewer|sewage|toilet|drain)s? (?:is |are )?(?:backing up|backed up|overflowing)|roof (?:is )?leaking"
    r"|(?:tree|ceiling|roof) (?:fell|collapsed|came down)|accident|crash(?:ed)?|injured|hurt (?:badly|bad)"
    r"|vomiting|drowning|won'?t eat|not eating|limping|locked out|evict\w*"
    r"|served (?:with )?(?:papers|a lawsuit)"
    r"|(?:irs|tax) audit|garnish\w*|hacked|data breach|ransomware|(?:site|server|system|website) (?:is )?down"
    r"|(?:freezer|fridge|cooler|pump|filter|heater|boiler) (?:died|failed|stopped|broke)"
    r"|(?:venue|caterer|dj|photographer|band) (?:cancell?ed|bailed|backed out)|double[- ]booked"
    r"|sin (?:luz|agua|aire|corriente)|se fue la luz|se descompus\w*|dej[óo] de funcionar|accidente|choqu[ée]"
    r"|herid[oa]s?|lastimad[oa]|vomit\w*|no (?:quiere )?comer|cojea\w*|desalojo|auditor[íi]a"
    r"|me hackearon|se cay[óo] el sistema)",
    _FLAGS,
)
NOW: Final = re.compile(
    r"(?:\bright now\b|\bNOW\b|\bjust (?:got|ate|happened|fell|started|found|now|stole)|\btonight\b|\btoday\b"
    r"|\bTODAY\b|\bthis (?:morning|afternoon|evening)\b|\btomorrow\b|\b\d+ ?min(?:ute)?s? ago\b"
    r"|\bhours? ago\b|\bis (?:coming|pouring|going off|beeping|dropping|rising|spreading)\b"
    r"|\bin (?:\d+|two|three|four|five|a few) days\b|\bthis (?:weekend|saturday|friday|sunday)\b"
    r"|\bahorita\b|\bahora(?: mismo)?\b|\bhoy\b|\besta (?:noche|mañana|tarde)\b|\bhace (?:un )?rato\b"
    r"|\bhace \d+ min\w*|\bmañana\b|\btodav[íi]a\b|\bsigue\b|\baqu[íi] (?:esperando|preguntando))",
)
CALM: Final = re.compile(
    r"\b(?:not an emergency|no emergency|not urgent|everyone'?s (?:fine|ok|okay|safe)|no rush"
    r"|no es (?:una )?emergencia|no es urgente|sin prisa)\b",
    _FLAGS,
)


def emergency_evidence(message: str) -> str | None:
    """The words that show ``message`` is an emergency (None: it is not): a danger, or a harm said
    with a time that makes it now; never when the writer says it is not urgent."""
    if CALM.search(message):
        return None
    danger = DANGER.search(message)
    if danger:
        return danger.group()
    harm = HARM.search(message)
    now = NOW.search(message) or NOW.search(message.casefold()) if harm else None
    if harm and now:
        first, second = sorted((harm, now), key=lambda m: m.start())
        return f"{first.group()} … {second.group()}"
    return None
