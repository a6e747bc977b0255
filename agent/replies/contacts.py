"""Who else a reply points to: an away notice's alternate contact, a wrong person's referral. Recorded
for the rep as written; nobody is ever written to automatically because a reply named them."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(\+?\(?\d[\d\s().-]{6,}\d)(?!\w)")
NAME = r"(?:[A-ZÁÉÍÓÚÑ][\w'’-]+)(?:\s+(?:de la|de|del|van|von|da|dos|[A-ZÁÉÍÓÚÑ][\w'’-]+)){0,3}"
POINTERS = re.compile(
    r"\b(?i:contact|reach out to|reach|email|e-mail|call|speak (?:to|with)|talk (?:to|with)|write to|try|ask|"
    r"forward(?:ed|ing)? (?:this |it )?to|cc'?(?:ed|ing)?|loop(?:ing)? in|adding|added|copying|copied|"
    r"please (?:contact|email|reach)|colleague|successor|replacement|in charge(?: now)? is|handles|"
    r"contacte(?:n)? (?:a|con)|comun[ií]quese con|escr[ií]b(?:ale|anle|a) a|hable con|pregunte a|"
    r"contactez|veuillez contacter|wenden Sie sich an|kontaktieren Sie|contatte|falar com|"
    # "you want", "you'd want", "you would need": whom the sender points to
    r"you(?:'re|'d|’d| are| would| will)? (?:want|need|looking for|mean)|"
    r"(?:he|she|they)(?:'s| is| are) the one)\s*:?\s*"
    # "try our COO, Dana Whitfield", "you want my son Liam", "hable con mi socia Marta"
    r"(?:(?i:my|our|his|her|their|the|mi|nuestr[oa]|su|el|la)\s+(?:[a-zé]+,?\s+){0,3}(?:[A-Z]{2,5},?\s+)?)?"
    rf"(?P<name>{NAME})",
)


# Capitalised words that start a sentence or an instruction, not a name.
NOT_NAMES = frozenset(
    {
        "Try",
        "Contact",
        "Email",
        "E-mail",
        "Call",
        "Please",
        "Reach",
        "Write",
        "Ask",
        "Para",
        "Contacte",
        "Contactez",
        "Veuillez",
        "Falar",
        "Hable",
        "Escriba",
        "Comuníquese",
        "Or",
        "And",
        "At",
        "Al",
        "To",
        "Me",
        "Him",
        "Her",
        "Them",
        "Phone",
        "Tel",
        "Mobile",
        "Cell",
        "Urgent",
        "For",
        "Por",
        "Mail",
        "Us",
        "We",
        "It",
        "This",
        "That",
        "You",
        "I",
        "He",
        "She",
        "They",
        "Keep",
    }
)
# The name before the pointer: "keep Ana on it", "Ana is the one deciding".
NAME_FIRST = re.compile(
    rf"\b(?i:keep|leave|cc)\s+(?P<name>{NAME})\s+(?i:on|in)\b"
    rf"|(?P<named>{NAME})(?:'s|’s| is) the (?i:one|person) (?i:who|deciding|handling|in charge|you want|to)"
)
DATE_LIKE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")


def _phones(text: str) -> list[re.Match[str]]:
    return [
        match
        for match in PHONE.finditer(text)
        if sum(c.isdigit() for c in match.group(0)) >= 7
        and not DATE_LIKE.match(match.group(0).replace(" ", ""))
    ]


def _phone(text: str) -> re.Match[str] | None:
    found = _phones(text)
    return found[0] if found else None


def phone_numbers(text: str) -> list[str]:
    """The phone numbers ``text`` gives, as written ("Please call me ASAP 210-555-0148"): a rep calls the
    number a lead typed, whether or not a form had a field for it."""
    return list(dict.fromkeys(match.group(0).strip() for match in _phones(text)))


def mentioned_contact(text: str) -> str | None:
    """The person or address ``text`` points to, as written (a name with its address when both are
    there), or None."""
    address = EMAIL.search(text) or _phone(text)
    if address is not None:
        start = address.start()
        before = text[max(0, start - 60) : start]
        named = re.search(rf"({NAME})[\s,(:-]*(?:\b(?:at|al|on|en|via|under|por|per)\b[\s:]*)?$", before)
        name = named.group(1) if named else None
        if name is None or name.split()[0] in NOT_NAMES:
            return address.group(0)
        return f"{name}, {address.group(0)}"
    names = [pointer.group("name") for pointer in POINTERS.finditer(text)]
    names += [found.group("name") or found.group("named") for found in NAME_FIRST.finditer(text)]
    return next((name for name in names if name.split()[0] not in NOT_NAMES), None)
