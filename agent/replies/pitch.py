"""A vendor's pitch sent through the inquiry form: words that sell to the business, not ask of it.

Every public inquiry form collects them ("5000 high quality backlinks for your website", "we noticed your
site is not on the first page of Google"). Acknowledged automatically, they get "Hi Buy," and the
company's prices, and tell the sender the address is read. Nothing here drops an inquiry: a pitch only
holds the lead's messages for a rep, who sends or closes it (``agent/policy.py``), because a real lead
read as a pitch must still be answered.

A pitch is read from two kinds of evidence: a *sale* (what is offered: backlinks, SEO, a loan, leads)
and a *direction* (offered to the business: "your website", "our services", "Dear Sir/Madam"). One
strong sale alone is enough ("guest post", "link building" are never a customer's question); a common
service word ("SEO", "web design") counts only with a direction, so a lead asking an SEO agency for
"SEO for my bakery's site" is not one. Plain functions over the message; no model.
"""

from __future__ import annotations

import re
from typing import Final

_FLAGS: Final = re.IGNORECASE

# Offers no customer of a business sends it: each is a pitch on its own.
STRONG: Final = re.compile(
    r"\b(?:back ?links?|guest posts?|link[- ]building|link insertions?|do-?follow links?"
    r"|domain authority|(?:first|1st|top) page (?:of|on|in) (?:google|bing|search)"
    r"|rank(?:ing)? (?:your|ur) (?:website|site|business|page)"
    r"|(?:increase|boost|grow|double|skyrocket) (?:your|ur) (?:website(?:'s)? )?(?:traffic|rankings?|sales"
    r"|leads|revenue|online presence)"
    r"|(?:business|merchant) (?:funding|cash advance)|pre-?approved for (?:a )?(?:loan|funding)"
    r"|(?:email|contact|b2b|lead) (?:lists?|database) (?:of|with) \d"
    r"|(?:posicionamiento|posicionar) (?:web|seo|su (?:sitio|p[aá]gina|negocio))"
    r"|primera p[aá]gina de google|enlaces? (?:de calidad|dofollow)|aumentar? (?:sus|tus) ventas)",
    _FLAGS,
)
# What vendors sell that a genuine lead may also mention: a pitch only beside a direction.
SERVICE: Final = re.compile(
    r"\b(?:seo|search engine optimi[sz]ation|web ?(?:site )?design|website redesign|app development"
    r"|digital marketing|social media (?:management|marketing)|lead generation|ppc|google ads"
    r"|virtual assistants?|crypto\w*|bitcoin|forex|dise[ñn]o web"
    r"|marketing digital|redes sociales)\b",
    _FLAGS,
)
# Aimed at the business: its website or business as the thing to be improved, or a form letter's greeting.
# ("Your website says the ballroom holds 300" is a lead reading the site, not a vendor aiming at it.)
TARGET: Final = re.compile(
    r"\b(?:(?:for|to|on|improve|grow|boost|redesign|fix|audit) your (?:website|site|web ?page|business"
    r"|company|brand|online presence|google (?:ranking|listing)s?)"
    r"|your (?:website|site)(?:'s)? (?:is not|isn't|isnt|has (?:no|some|many|\d+)|needs|ranking|traffic"
    r"|seo|speed|errors?)"
    r"|(?:we|i) (?:noticed|checked|reviewed|audited|came across|analy[sz]ed) your"
    r"|dear (?:sir|madam|sir/madam|business owner|website owner|site owner)"
    r"|para su (?:sitio web|p[aá]gina web|negocio|empresa)|su (?:sitio|p[aá]gina) web (?:no|tiene|necesita)"
    r"|estimado (?:se[ñn]or|due[ñn]o|propietario))",
    _FLAGS,
)
# Written as a vendor: its own agency, experts, services and packages.
SELLER: Final = re.compile(
    r"\b(?:(?:our|my) (?:agency|team of experts|experts|services|packages|company offers)"
    r"|we (?:offer|provide|specialize|specialise|are an? (?:\w+ )?agency)"
    r"|click here|visit our (?:site|website)|reply (?:with )?[\"']?yes\b|limited slots? available"
    r"|ofrecemos|somos una agencia|nuestros servicios)",
    _FLAGS,
)
# A price cut in an inquiry is the sender's own offer ("50% off SEO packages"): a vendor's word.
OWN_DISCOUNT: Final = re.compile(r"\b\d{1,2} ?% (?:off|discount|descuento)\b", _FLAGS)


def pitch_evidence(message: str) -> str | None:
    """The words that show ``message`` sells to the business (None: it does not).

    A strong sale alone; otherwise two of: aimed at the business, written as a vendor (or with a
    discount of the sender's own), a service vendors sell. The evidence
    is what a rep reads in the queue, so it quotes the message.
    """
    strong = STRONG.search(message)
    if strong:
        return strong.group()
    found = [
        m
        for m in (
            TARGET.search(message),
            SELLER.search(message) or OWN_DISCOUNT.search(message),
            SERVICE.search(message),
        )
        if m is not None
    ]
    if len(found) < 2:  # two kinds of three: one at least is aimed at the business or a vendor's own
        return None
    first, second = sorted(found, key=lambda m: m.start())[:2]
    return f"{first.group()} … {second.group()}"
